package org.vcsreplicator.heads;

import java.io.IOException;

/** The bytes of a {@code .hg/replicated-data} file are not the CBOR map this project writes. */
public class MalformedReplicatedDataException extends IOException {

    private static final long serialVersionUID = 1L;

    public MalformedReplicatedDataException(String message) {
        super(message);
    }

    public MalformedReplicatedDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
