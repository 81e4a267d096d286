package org.vcsreplicator.pulse;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One entry of a repository's pushlog (Mozilla's pushlog extension, {@code .hg/pushlog2.db}).
 *
 * @param id the push id, counting from 1
 * @param user who pushed, never null
 * @param time when, in whole seconds since the epoch
 */
public record Push(long id, String user, long time) {

    public Push {
        Objects.requireNonNull(user, "user");
    }

    /**
     * The {@code pushlog_pushes} entry of a notification: {@code pushid}, {@code user}, {@code
     * time}, and the json-pushes URLs that select exactly this push ({@code startID} is exclusive).
     *
     * @param repoUrl the repository's public URL, never null
     * @return a new object, never null
     */
    public ObjectNode toJson(String repoUrl) {
        String range = "startID=" + (id - 1) + "&endID=" + id;
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("pushid", id);
        o.put("user", user);
        o.put("time", time);
        o.put("push_json_url", repoUrl + "/json-pushes?version=2&" + range);
        o.put("push_full_json_url", repoUrl + "/json-pushes?version=2&full=1&" + range);
        return o;
    }
}
