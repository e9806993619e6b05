package org.mailpulse.common;

import io.quarkus.panache.common.Page;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** {@code page} from 0 and {@code size} up to 500 (default 50), as query parameters of every list. */
public class PageRequest {

    @QueryParam("page")
    @DefaultValue("0")
    @Min(0)
    @Max(1_000_000) // page × size must stay an int offset
    @Parameter(description = "Page number from 0 (offset paging; ignored with a cursor)")
    public int page;

    @QueryParam("size")
    @DefaultValue("50")
    @Min(1)
    @Max(500)
    @Parameter(description = "Rows per page, 1 to 500")
    public int size;

    public Page toPage() {
        return Page.of(page, size);
    }
}
