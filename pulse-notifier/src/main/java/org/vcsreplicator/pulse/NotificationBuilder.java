package org.vcsreplicator.pulse;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.config.NotifierSettings;
import org.vcsreplicator.message.ChangegroupV1;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.Pushkey;
import org.vcsreplicator.message.RepoInitV1;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.WirePath;
import org.vcsreplicator.obsolete.MalformedObsMarkersException;
import org.vcsreplicator.obsolete.ObsMarker;
import org.vcsreplicator.obsolete.ObsMarkers;
import org.vcsreplicator.routing.IgnorePaths;
import org.vcsreplicator.routing.UrlRewrites;

/**
 * Decides what one event of the aggregated topic becomes (SPEC 6, "Pulse notifier"), in the
 * original's order of checks:
 *
 * <ol>
 *   <li>a heartbeat is acknowledged;
 *   <li>a repository without a public URL ({@code [public_url_rewrites]}) is acknowledged;
 *   <li>a repository under an {@code [ignore_paths]} prefix is acknowledged;
 *   <li>a repository that does not exist on the master is acknowledged (SPEC 2.5: it was deleted);
 *       a missing or unreadable root instead throws {@link NotifierMisconfiguredException};
 *   <li>a changegroup becomes {@code changegroup.1}, a repository creation {@code newrepo.1}, an
 *       {@code obsolete} pushkey {@code obsolete.1}; every other kind, and other pushkey
 *       namespaces, are acknowledged.
 * </ol>
 *
 * <p>Apart from log lines, the only effects are the reads of {@link MasterRepositories}: with a fake
 * master it is a pure function, which is how it is tested. Thread-safe if the master is.
 */
public final class NotificationBuilder {

    // The original's logger name: operators' log searches and monitoring look for it.
    private static final Logger log = LoggerFactory.getLogger("vcsreplicator.pushnotifications");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final UrlRewrites publicUrls;
    private final IgnorePaths ignorePaths;
    private final String routingKeyStripPrefix;
    private final MasterRepositories master;

    /**
     * @param publicUrls {@code [public_url_rewrites]}, never null
     * @param ignorePaths {@code [ignore_paths]}, never null
     * @param routingKeyStripPrefix {@code [pulse] routing_key_strip_prefix}, never null
     * @param master the canonical repositories, never null
     */
    public NotificationBuilder(
            UrlRewrites publicUrls, IgnorePaths ignorePaths, String routingKeyStripPrefix, MasterRepositories master) {
        this.publicUrls = Objects.requireNonNull(publicUrls, "publicUrls");
        this.ignorePaths = Objects.requireNonNull(ignorePaths, "ignorePaths");
        this.routingKeyStripPrefix = Objects.requireNonNull(routingKeyStripPrefix, "routingKeyStripPrefix");
        this.master = Objects.requireNonNull(master, "master");
    }

    /** A builder for the notifier's settings. */
    public static NotificationBuilder from(NotifierSettings settings, MasterRepositories master) {
        return new NotificationBuilder(
                settings.publicUrlRewrites(), settings.ignorePaths(), settings.pulse().routingKeyStripPrefix(), master);
    }

    /**
     * The routing key of a repository: its public URL without the prefix. Slashes, dashes,
     * underscores and case are kept ({@code integration/foo_Bar-baz}).
     *
     * @throws NotifierMisconfiguredException when the URL does not begin with the prefix
     */
    public static String routingKey(String repoUrl, String stripPrefix) throws NotifierMisconfiguredException {
        if (!repoUrl.startsWith(stripPrefix)) {
            throw new NotifierMisconfiguredException("public URL " + repoUrl
                    + " does not begin with [pulse] routing_key_strip_prefix '" + stripPrefix
                    + "': fix [public_url_rewrites] or the prefix");
        }
        return repoUrl.substring(stripPrefix.length());
    }

    /**
     * Decides what an event becomes.
     *
     * @param message a decoded record, never null
     * @return never null
     * @throws NotifierMisconfiguredException the configuration does not fit the master: stop
     * @throws BadEventException the event can never be notified as it is: stop, an operator skips it
     * @throws MasterQueryException reading the master failed: retry later
     */
    public Decision decide(Message message)
            throws NotifierMisconfiguredException, BadEventException, MasterQueryException {
        Event event = message.event();
        String name = event.kind().wireName();
        Optional<WirePath> maybePath = event.repo();
        if (maybePath.isEmpty()) {
            return new Decision.Acknowledge(name + " message not relevant; ignoring");
        }
        WirePath path = maybePath.get();
        Optional<String> publicUrl = publicUrls.urlFor(path);
        if (publicUrl.isEmpty()) {
            return new Decision.Acknowledge(
                    "no public URL could be resolved for " + path + "; not sending notification");
        }
        if (ignorePaths.isIgnored(path)) {
            return new Decision.Acknowledge("ignoring repo because path in ignore list: " + path);
        }
        MasterRepository repo = master.locate(path);
        if (!repo.exists()) {
            return gone(repo);
        }
        String url = publicUrl.get();
        try {
            if (event instanceof ChangegroupV1 cg) {
                return publish(NotificationType.CHANGEGROUP, url, changegroup(repo, url, cg.heads(), cg.source()));
            }
            if (event instanceof ChangegroupV2 cg) {
                return publish(NotificationType.CHANGEGROUP, url, changegroup(repo, url, cg.heads(), cg.source()));
            }
            if (event instanceof RepoInitV1 || event instanceof RepoInitV2) {
                ObjectNode data = JSON.objectNode();
                data.put("repo_url", url);
                return publish(NotificationType.NEWREPO, url, data);
            }
            if (event instanceof Pushkey pk) {
                if (!Pushkey.OBSOLETE.equals(pk.namespace())) {
                    return new Decision.Acknowledge(pk.namespace() + " pushkey namespace not handled; ignoring");
                }
                return publish(NotificationType.OBSOLETE, url, obsolete(repo, url, pk.newValue()));
            }
        } catch (RepositoryGoneException e) {
            // Deleted between the existence check and the query: the same valid race (SPEC 2.5).
            return gone(repo);
        }
        return new Decision.Acknowledge(name + " message not relevant to push notifier; ignoring");
    }

    private static Decision gone(MasterRepository repo) {
        return new Decision.Acknowledge(
                "repository " + repo.localPath() + " does not exist; ignoring notification");
    }

    private Decision publish(NotificationType type, String url, ObjectNode data) throws NotifierMisconfiguredException {
        return new Decision.Publish(new Notification(type, url, routingKey(url, routingKeyStripPrefix), data));
    }

    private ObjectNode changegroup(MasterRepository repo, String url, List<NodeId> heads, String source)
            throws RepositoryGoneException, MasterQueryException {
        // Like the original, only the heads' pushes are looked up: hg-changegroup-2 does not list
        // every node, and a changegroup is one push in practice.
        log.info("querying pushlog data for {}", repo.localPath());
        ArrayNode pushes = JSON.arrayNode();
        Optional<Map<NodeId, Push>> found = repo.pushes(heads);
        if (found.isPresent()) {
            TreeMap<Long, Push> byId = new TreeMap<>();
            for (NodeId head : heads) {
                Push push = found.get().get(head);
                if (push == null) {
                    log.warn("pushlog data missing!");
                } else {
                    byId.putIfAbsent(push.id(), push);
                }
            }
            byId.values().forEach(p -> pushes.add(p.toJson(url)));
        }
        ObjectNode data = JSON.objectNode();
        data.put("repo_url", url);
        data.set("heads", nodes(heads));
        data.put("source", source);
        data.set("pushlog_pushes", pushes);
        return data;
    }

    private ObjectNode obsolete(MasterRepository repo, String url, String base85)
            throws RepositoryGoneException, MasterQueryException, BadEventException {
        log.info("processing obsolete pushkey message for {}", url);
        List<ObsMarker> markers;
        try {
            markers = ObsMarkers.decodePushkeyValue(base85);
        } catch (MalformedObsMarkersException e) {
            throw new BadEventException("cannot decode the obsolescence markers of this pushkey: " + e.getMessage(), e);
        }
        log.info("processing {} obsolete markers", markers.size());
        ArrayNode out = JSON.arrayNode();
        for (ObsMarker marker : markers) {
            ObjectNode m = JSON.objectNode();
            m.set("precursor", nodeInfo(repo, url, marker.precursor()));
            ArrayNode successors = m.putArray("successors");
            for (NodeId successor : marker.successors()) {
                successors.add(nodeInfo(repo, url, successor));
            }
            Optional<String> user = marker.user();
            if (user.isPresent()) {
                m.put("user", user.get());
            } else {
                m.putNull("user");
            }
            m.put("time", marker.date());
            out.add(m);
        }
        ObjectNode data = JSON.objectNode();
        data.put("repo_url", url);
        data.set("markers", out);
        return data;
    }

    /** Known, visibility, description and push of a marker's node, with nulls for an unknown one. */
    private static ObjectNode nodeInfo(MasterRepository repo, String url, NodeId node)
            throws RepositoryGoneException, MasterQueryException {
        Optional<ChangesetInfo> info = repo.changeset(node);
        ObjectNode o = JSON.objectNode();
        o.put("node", node.hex());
        o.put("known", info.isPresent());
        if (info.isPresent() && info.get().visible().isPresent()) {
            o.put("visible", info.get().visible().get());
        } else {
            o.putNull("visible");
        }
        if (info.isPresent()) {
            o.put("desc", info.get().description());
        } else {
            o.putNull("desc");
        }
        Optional<Push> push = info.flatMap(ChangesetInfo::push);
        if (push.isPresent()) {
            o.set("push", push.get().toJson(url));
        } else {
            o.putNull("push");
        }
        return o;
    }

    private static ArrayNode nodes(List<NodeId> nodes) {
        ArrayNode a = JSON.arrayNode();
        nodes.forEach(n -> a.add(n.hex()));
        return a;
    }
}
