package org.mailpulse.common;

import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * The query parameters of a large list: {@code page} and {@code size}, and {@code cursor}, the {@code next} of the
 * previous answer, which pages by key instead of by offset.
 */
public class KeysetPageRequest extends PageRequest {

    @QueryParam("cursor")
    @Parameter(description = "The `next` of the previous answer, unchanged: pages by key, as fast at the millionth row as at the first; "
            + "the answer then has no `total`. Start without it (page 0), then follow `next` until it is null.")
    public String cursor;

    public boolean byCursor() {
        return cursor != null && !cursor.isBlank();
    }

    /** The decoded cursor of a list whose key has {@code parts} columns, or null on the first page; 400 if it is not one. */
    public Cursor after(int parts) {
        return byCursor() ? Cursor.decode(cursor, parts) : null;
    }
}
