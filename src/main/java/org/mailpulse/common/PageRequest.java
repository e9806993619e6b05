package org.mailpulse.common;

import io.quarkus.panache.common.Page;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * {@code page} from 0 and {@code size} up to 500 (default 50), as query parameters of every list; the large lists
 * also take {@code cursor}, the {@code next} of the previous answer, which pages by key instead of by offset.
 */
public class PageRequest {

    @QueryParam("page")
    @DefaultValue("0")
    @Min(0)
    @Max(1_000_000) // page × size must stay an int offset
    @Parameter(description = "Page number from 0 (offset paging, for small lists; ignored with a cursor)")
    public int page;

    @QueryParam("size")
    @DefaultValue("50")
    @Min(1)
    @Max(500)
    @Parameter(description = "Rows per page, 1 to 500")
    public int size;

    @QueryParam("cursor")
    @Parameter(description = "The `next` of the previous page, unchanged: pages by key, as fast at the millionth row as at the first, "
            + "and the answer has no `total`. Only the lists that answer with a `next` take it.")
    public String cursor;

    public Page toPage() {
        return Page.of(page, size);
    }

    public boolean byCursor() {
        return cursor != null && !cursor.isBlank();
    }

    /** The decoded cursor of a list whose key has {@code parts} columns, or null on the first page; 400 if it is not one. */
    public Cursor after(int parts) {
        return byCursor() ? Cursor.decode(cursor, parts) : null;
    }
}
