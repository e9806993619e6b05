package org.mailpulse.report;

import jakarta.persistence.Column;
import jakarta.persistence.MappedSuperclass;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

import java.time.Instant;

/** The counters every daily rollup row carries; rates are derived from them when read. */
@MappedSuperclass
public abstract class DailyCounts extends PanacheEntityBase {

    public long sent;

    public long delivered;

    @Column(name = "bounced_hard")
    public long bouncedHard;

    @Column(name = "bounced_soft")
    public long bouncedSoft;

    public long complained;

    @Column(name = "unique_opens")
    public long uniqueOpens;

    @Column(name = "unique_clicks")
    public long uniqueClicks;

    public long unsubscribed;

    @Column(name = "computed_at")
    public Instant computedAt;
}
