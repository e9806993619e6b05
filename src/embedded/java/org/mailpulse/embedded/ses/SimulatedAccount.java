package org.mailpulse.embedded.ses;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * The simulated SES account behind GetAccount ({@code GET /v2/email/account}): its sending quota, whether sending is
 * enabled, and the mails accepted in the rolling quota window (24 hours unless a test shortens it). A SendEmail that
 * would go over {@code Max24HourSend} is refused with {@link Fault#DAILY_QUOTA}, one while sending is disabled with
 * {@link Fault#SENDING_PAUSED}, as SES does.
 */
public final class SimulatedAccount {

    public static final double DEFAULT_MAX_24_HOUR_SEND = 50_000;
    public static final double DEFAULT_MAX_SEND_RATE = 14;
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);

    private final ArrayDeque<Instant> sends = new ArrayDeque<>();
    private double max24HourSend = DEFAULT_MAX_24_HOUR_SEND;
    private double maxSendRate = DEFAULT_MAX_SEND_RATE;
    private boolean sendingEnabled = true;
    private String enforcementStatus = "HEALTHY";
    private Duration window = DEFAULT_WINDOW;

    public synchronized SimulatedAccount quota(double max24HourSend, double maxSendRate) {
        this.max24HourSend = max24HourSend;
        this.maxSendRate = maxSendRate;
        return this;
    }

    /** How long an accepted mail counts against {@code Max24HourSend} (24 hours at SES). */
    public synchronized SimulatedAccount window(Duration window) {
        this.window = window;
        return this;
    }

    /** SendingEnabled false: what SES reports for an account it paused (enforcement status SHUTDOWN). */
    public synchronized SimulatedAccount sendingEnabled(boolean enabled) {
        this.sendingEnabled = enabled;
        this.enforcementStatus = enabled ? "HEALTHY" : "SHUTDOWN";
        return this;
    }

    /**
     * Control over HTTP ({@code POST /_simulator/account}): any of max24HourSend, maxSendRate, window (ISO-8601,
     * e.g. PT5S), sendingEnabled.
     */
    synchronized void configure(Map<String, String> query) {
        if (query.containsKey("max24HourSend")) {
            max24HourSend = Double.parseDouble(query.get("max24HourSend"));
        }
        if (query.containsKey("maxSendRate")) {
            maxSendRate = Double.parseDouble(query.get("maxSendRate"));
        }
        if (query.containsKey("window")) {
            window = Duration.parse(query.get("window"));
        }
        if (query.containsKey("sendingEnabled")) {
            sendingEnabled(Boolean.parseBoolean(query.get("sendingEnabled")));
        }
    }

    /** The fault SES answers a SendEmail with now, or null if the account may send one more mail (which is counted). */
    synchronized Fault admit(Instant now) {
        if (!sendingEnabled) {
            return Fault.SENDING_PAUSED;
        }
        if (sentWithinWindow(now) >= max24HourSend) {
            return Fault.DAILY_QUOTA;
        }
        sends.addLast(now);
        return null;
    }

    public synchronized int sentWithinWindow(Instant now) {
        Instant since = now.minus(window);
        while (!sends.isEmpty() && !sends.peekFirst().isAfter(since)) {
            sends.removeFirst();
        }
        return sends.size();
    }

    /** The GetAccount answer (SES v2 rest-json, as the SDK's GetAccountResponse model reads it). */
    synchronized ObjectNode json(ObjectMapper json, Instant now) {
        ObjectNode account = json.createObjectNode();
        account.put("DedicatedIpAutoWarmupEnabled", false);
        account.put("EnforcementStatus", enforcementStatus);
        account.put("ProductionAccessEnabled", true);
        account.put("SendingEnabled", sendingEnabled);
        ObjectNode quota = account.putObject("SendQuota");
        quota.put("Max24HourSend", max24HourSend);
        quota.put("MaxSendRate", maxSendRate);
        quota.put("SentLast24Hours", (double) sentWithinWindow(now));
        return account;
    }
}
