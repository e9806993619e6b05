package org.mailpulse.campaign.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.campaign.CampaignStatus;
import org.mailpulse.campaign.CampaignStatus.Transition;
import org.mailpulse.campaign.PauseCause;
import org.mailpulse.common.Sql;
import org.mailpulse.message.MessageStatus;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * Every statement that moves a campaign's status, for the operator, the sender, the reputation guard and the
 * weekly job alike. Each takes its source and target statuses from a {@link Transition}; none names a status.
 */
@ApplicationScoped
public class CampaignStatusRepository {

    private static final String MOVE = """
            UPDATE campaigns SET status = $2, paused_reason = $3, paused_cause = $5, updated_at = now()
            WHERE campaign_id = $1 AND status = ANY($4::text[]) RETURNING scheduled_at
            """;

    private static final String STATUS = "SELECT status FROM campaigns WHERE campaign_id = $1";

    // Queueing releases the recipients: to the sender now, or at the campaign's scheduled time.
    private static final String RELEASE_RECIPIENTS = """
            UPDATE campaign_recipients SET
                status = CASE WHEN $2::timestamptz > now() THEN $3 ELSE $4 END,
                status_rank = CASE WHEN $2::timestamptz > now() THEN $5::smallint ELSE $6::smallint END,
                scheduled_at = $2, updated_at = now()
            WHERE campaign_id = $1 AND status = $7
            """;

    private static final String START_DUE = """
            UPDATE campaigns SET status = $1, updated_at = now()
            WHERE status = ANY($2::text[]) AND (scheduled_at IS NULL OR scheduled_at <= now())
            """;

    // A campaign is finished when none of its messages waits to be sent. In-flight SENDING rows keep it open; ones
    // past the review bound do not (they wait for a person).
    private static final String COMPLETE_FINISHED = """
            UPDATE campaigns c SET status = $2, updated_at = now()
            WHERE c.status = ANY($3::text[]) AND NOT EXISTS (
                SELECT 1 FROM campaign_recipients r WHERE r.campaign_id = c.campaign_id
                AND (r.status = ANY($4::text[])
                     OR (r.status = $5 AND coalesce(r.last_attempt_at, r.updated_at) > now() - $1::bigint * interval '1 second')))
            """;

    private static final String PAUSE_ALL = """
            UPDATE campaigns SET status = $2, paused_reason = $1, paused_cause = $4, updated_at = now() WHERE status = ANY($3::text[])
            """;

    // Only the campaigns whose cause resumes by itself (the daily quota), never an operator's or an account pause.
    private static final String RESUME_CAUSED = """
            UPDATE campaigns SET status = $2, paused_reason = NULL, paused_cause = NULL, updated_at = now()
            WHERE status = ANY($3::text[]) AND paused_cause = $1
            """;

    private static final String CREATE_WEEKLY = """
            INSERT INTO campaigns (campaign_id, campaign_name, week_of_month, generated_date, template_id, status, scheduled_at)
            SELECT gen_random_uuid(), 'Weekly ' || $1::date || ' (week ' || $2::int || ')', $2::int, $1::date, t.template_id, $3,
                   ($1::date)::timestamp AT TIME ZONE 'UTC'
            FROM templates t WHERE t.is_active AND t.week_of_month = $2::int
            ORDER BY t.version DESC, t.created_at DESC LIMIT 1
            ON CONFLICT (generated_date, week_of_month) WHERE generated_date IS NOT NULL DO NOTHING
            RETURNING campaign_id
            """;

    private static final String ENROL_ALL = """
            INSERT INTO campaign_recipients (campaign_id, customer_id, email, status, status_rank, template_data)
            SELECT $1::uuid, c.customer_id, c.email, $2, $3::smallint,
                   jsonb_strip_nulls(jsonb_build_object('name', c.name, 'company', c.company, 'country', c.country))
            FROM customers c
            WHERE c.is_active AND NOT EXISTS (SELECT 1 FROM suppression_list s WHERE s.email = c.email)
            """;

    /** A move that was made: the campaign's scheduled time, or null if it has none. */
    public record Moved(OffsetDateTime scheduledAt) {
    }

    private final Pool pool;

    public CampaignStatusRepository(Pool pool) {
        this.pool = pool;
    }

    /** Makes the move if the campaign's status allows it; null when it does not (or there is no such campaign). */
    public Uni<Moved> move(SqlConnection connection, UUID id, Transition transition, String pausedReason) {
        String cause = transition == Transition.PAUSE ? PauseCause.OPERATOR.code() : null;
        return connection.preparedQuery(MOVE).execute(Tuple.of(id, transition.to().code(), pausedReason, transition.fromCodes(), cause))
                .map(rows -> rows.rowCount() == 0 ? null : new Moved(rows.iterator().next().getOffsetDateTime("scheduled_at")));
    }

    /** The campaign's status, or null if there is no such campaign. */
    public Uni<CampaignStatus> statusOf(UUID id) {
        return pool.preparedQuery(STATUS).execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : CampaignStatus.fromCode(rows.iterator().next().getString("status")));
    }

    /** The queued campaign's new messages become SCHEDULED until {@code scheduledAt}, or READY_TO_SEND if it has come. */
    public Uni<Void> releaseRecipients(SqlConnection connection, UUID id, OffsetDateTime scheduledAt) {
        return connection.preparedQuery(RELEASE_RECIPIENTS).execute(Tuple.from(List.of(id,
                        scheduledAt == null ? Sql.utc(Instant.EPOCH) : scheduledAt,
                        MessageStatus.SCHEDULED.name(), MessageStatus.READY_TO_SEND.name(),
                        MessageStatus.SCHEDULED.rank(), MessageStatus.READY_TO_SEND.rank(), MessageStatus.CREATED.name())))
                .replaceWithVoid();
    }

    /** {@link Transition#START} for every queued campaign whose time has come. */
    public Uni<Void> startDue(SqlConnection connection) {
        return connection.preparedQuery(START_DUE).execute(Tuple.of(Transition.START.to().code(), Transition.START.fromCodes()))
                .replaceWithVoid();
    }

    /** {@link Transition#COMPLETE} for every campaign none of whose messages waits, or is in flight for less than {@code stuckAfterSeconds}. */
    public Uni<Void> completeFinished(long stuckAfterSeconds) {
        String[] waiting = {MessageStatus.CREATED.name(), MessageStatus.SCHEDULED.name(), MessageStatus.READY_TO_SEND.name()};
        return pool.preparedQuery(COMPLETE_FINISHED).execute(Tuple.of(stuckAfterSeconds, Transition.COMPLETE.to().code(),
                Transition.COMPLETE.fromCodes(), waiting, MessageStatus.SENDING.name())).replaceWithVoid();
    }

    /** {@link Transition#PAUSE} for every campaign that allows it, by the reputation guard, with the reason. */
    public Uni<Void> pauseAll(String reason) {
        return pauseAll(PauseCause.REPUTATION, reason).replaceWithVoid();
    }

    /** {@link Transition#PAUSE} for every campaign that allows it, with the cause and reason; emits how many it paused. */
    public Uni<Integer> pauseAll(PauseCause cause, String reason) {
        return pool.preparedQuery(PAUSE_ALL).execute(Tuple.of(reason, Transition.PAUSE.to().code(), Transition.PAUSE.fromCodes(), cause.code()))
                .map(rows -> rows.rowCount());
    }

    /** {@link Transition#RESUME} for every campaign paused for {@code cause}, which must resume by itself; emits how many. */
    public Uni<Integer> resumeAll(PauseCause cause) {
        if (!cause.resumesByItself()) {
            throw new IllegalArgumentException(cause + " is resumed by an operator only");
        }
        return pool.preparedQuery(RESUME_CAUSED).execute(Tuple.of(cause.code(), Transition.RESUME.to().code(), Transition.RESUME.fromCodes()))
                .map(rows -> rows.rowCount());
    }

    /**
     * Creates the weekly campaign of {@code day}, already queued, from the week's active template (highest version);
     * null if it exists already or no active template covers that week. The unique (generated_date, week_of_month)
     * index makes a second run on the same day, on any replica, create nothing.
     */
    public Uni<UUID> createWeekly(SqlConnection connection, LocalDate day, int week) {
        return connection.preparedQuery(CREATE_WEEKLY).execute(Tuple.of(day, week, CampaignStatus.QUEUED.code()))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("campaign_id"));
    }

    /** Enrols every active, non-suppressed customer as a READY_TO_SEND message; returns how many. */
    public Uni<Integer> enrolAll(SqlConnection connection, UUID campaign) {
        return connection.preparedQuery(ENROL_ALL)
                .execute(Tuple.of(campaign, MessageStatus.READY_TO_SEND.name(), MessageStatus.READY_TO_SEND.rank()))
                .map(rows -> rows.rowCount());
    }
}
