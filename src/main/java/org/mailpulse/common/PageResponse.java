package org.mailpulse.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.function.Function;

/** The envelope of every list: {@code {"items": [...], "page": n, "size": n, "total": n, "next": "..."}}. */
@RegisterForReflection
public record PageResponse<T>(
        List<T> items,
        int page,
        int size,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "Rows in the whole list; omitted when paging by cursor", nullable = true)
        Long total,
        @Schema(description = "Pass as `cursor` for the rows after this page; null on the last page, and on lists without keyset paging",
                nullable = true)
        String next) {

    public <R> PageResponse<R> map(Function<T, R> mapper) {
        return new PageResponse<>(items.stream().map(mapper).toList(), page, size, total, next);
    }
}
