package org.mailpulse.common;

import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/** One page of a Panache query in the list envelope: the page, then the total, one after the other on the session. */
public final class Pages {

    private Pages() {
    }

    /** Offset paging, for the small lists. */
    public static <E, V> Uni<PageResponse<V>> of(PanacheQuery<E> query, Page page, Function<E, V> view) {
        return query.page(page).list().chain(items -> query.count()
                .map(total -> new PageResponse<>(items.stream().map(view).toList(), page.index, page.size, total, null)));
    }

    /**
     * Keyset paging: {@code query} already starts after the request's cursor (if any) and is sorted by the key that
     * {@code key} reads from a row. One row more than the page is read to know whether there is a next page. Without a
     * cursor the page number still applies and the total is counted; with one, there is no total.
     */
    public static <E, V> Uni<PageResponse<V>> keyset(PanacheQuery<E> query, KeysetPageRequest request, Function<E, Cursor> key,
                                                     Function<E, V> view) {
        return keyset(query, request, key, view, query::count);
    }

    /** As {@link #keyset(PanacheQuery, KeysetPageRequest, Function, Function)}, with the total from elsewhere (e.g. kept counts). */
    public static <E, V> Uni<PageResponse<V>> keyset(PanacheQuery<E> query, KeysetPageRequest request, Function<E, Cursor> key,
                                                     Function<E, V> view, Supplier<Uni<Long>> total) {
        int first = request.byCursor() ? 0 : request.page * request.size;
        return query.range(first, first + request.size).list().chain(rows -> {
            boolean more = rows.size() > request.size;
            List<E> items = more ? rows.subList(0, request.size) : rows;
            String next = more ? key.apply(items.get(items.size() - 1)).encode() : null;
            List<V> views = items.stream().map(view).toList();
            if (request.byCursor()) {
                return Uni.createFrom().item(new PageResponse<>(views, request.page, request.size, null, next));
            }
            return total.get().map(n -> new PageResponse<>(views, request.page, request.size, n, next));
        });
    }
}
