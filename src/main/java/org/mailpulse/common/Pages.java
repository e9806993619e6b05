package org.mailpulse.common;

import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;

import java.util.function.Function;

/** One page of a Panache query in the list envelope: the page, then the total, one after the other on the session. */
public final class Pages {

    private Pages() {
    }

    public static <E, V> Uni<PageResponse<V>> of(PanacheQuery<E> query, Page page, Function<E, V> view) {
        return query.page(page).list().chain(items -> query.count()
                .map(total -> new PageResponse<>(items.stream().map(view).toList(), page.index, page.size, total)));
    }
}
