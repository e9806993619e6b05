package org.mailpulse.reliability;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.TestServers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Every effect the events of one run left, with the run's name taken out of ids and addresses, so that the
 * effects of the same input on two runs can be compared as values.
 *
 * @param messages     per message: "n status opens clicks", where n is the message's number in its campaign
 * @param eventsByType history rows of the run's known and unknown messages, per event type
 * @param suppressions suppressed addresses of the run, with their reason
 * @param reports      summary rows, and detail rows per event type
 * @param archived     raw events archived in MongoDB
 * @param quarantined  bodies of the run set aside as unprocessable
 */
record Effects(List<String> messages, Map<String, Long> eventsByType, Map<String, String> suppressions, Map<String, Long> reports,
               long archived, long quarantined) {

    /** Effects of run {@code run}, whose campaign's SES message ids and addresses all start with the run's name. */
    static Effects of(String run) {
        String like = run + "-%";
        List<String> messages = Db.rows("""
                        SELECT substr(ses_message_id, length(?) + 2) AS n, status, open_count, click_count FROM campaign_recipients
                        WHERE ses_message_id LIKE ? ORDER BY length(ses_message_id), ses_message_id""", run, like).stream()
                .map(r -> r.get("n") + " " + r.get("status") + " " + r.get("open_count") + " " + r.get("click_count"))
                .toList();
        Map<String, Long> events = grouped("SELECT event_type AS k, count(*) AS c FROM email_events_op WHERE ses_message_id LIKE ? GROUP BY 1", like);
        Map<String, String> suppressions = new TreeMap<>();
        Db.rows("SELECT replace(email, ?, 'run') AS e, reason FROM suppression_list WHERE position(? IN email) > 0", run, run)
                .forEach(r -> suppressions.put((String) r.get("e"), (String) r.get("reason")));
        Map<String, Long> reports = grouped("SELECT 'detail.' || event_type AS k, count(*) AS c FROM ses_report_detail WHERE message_id LIKE ? GROUP BY 1", like);
        reports.put("summary", Db.count("SELECT count(*) FROM ses_report_summary WHERE message_id LIKE ?", like));
        long quarantined = Db.count("SELECT count(*) FROM ingest_quarantine WHERE position(? IN body) > 0", run);
        return new Effects(messages, events, suppressions, reports, archived(run), quarantined);
    }

    /** What differs from {@code other}, at most a few lines per kind; empty if the effects are the same. */
    List<String> differences(Effects other) {
        List<String> differences = new ArrayList<>();
        if (messages.size() != other.messages.size()) {
            differences.add("messages: " + messages.size() + " vs " + other.messages.size());
        }
        for (int i = 0, shown = 0; i < Math.min(messages.size(), other.messages.size()) && shown < 10; i++) {
            if (!messages.get(i).equals(other.messages.get(i))) {
                differences.add("message " + messages.get(i) + " vs " + other.messages.get(i));
                shown++;
            }
        }
        compare(differences, "history rows", eventsByType, other.eventsByType);
        compare(differences, "report rows", reports, other.reports);
        if (!suppressions.equals(other.suppressions)) {
            differences.add("suppressions: " + suppressions.size() + " vs " + other.suppressions.size());
        }
        if (archived != other.archived) {
            differences.add("archived: " + archived + " vs " + other.archived);
        }
        if (quarantined != other.quarantined) {
            differences.add("quarantined: " + quarantined + " vs " + other.quarantined);
        }
        return differences;
    }

    private static void compare(List<String> differences, String what, Map<String, Long> mine, Map<String, Long> theirs) {
        if (!mine.equals(theirs)) {
            differences.add(what + ": " + mine + " vs " + theirs);
        }
    }

    long detailRows() {
        return reports.entrySet().stream().filter(e -> e.getKey().startsWith("detail.")).mapToLong(Map.Entry::getValue).sum();
    }

    long events() {
        return eventsByType.values().stream().mapToLong(Long::longValue).sum();
    }

    private static long archived(String run) {
        try (MongoClient mongo = MongoClients.create(TestServers.mongoUrl())) {
            return mongo.getDatabase("mailpulse").getCollection("ses_event")
                    .countDocuments(Filters.regex("Message", Pattern.quote(run + "-")));
        }
    }

    private static Map<String, Long> grouped(String sql, Object... args) {
        Map<String, Long> counts = new TreeMap<>();
        Db.rows(sql, args).forEach(r -> counts.put((String) r.get("k"), ((Number) r.get("c")).longValue()));
        return counts;
    }
}
