package org.mailpulse.ses.quota;

import software.amazon.awssdk.services.sesv2.model.GetAccountResponse;

import java.time.Instant;

/** What GetAccount said about the SES account, and when. */
public record AccountQuota(double max24HourSend, double maxSendRate, double sentLast24Hours, boolean sendingEnabled,
                           String enforcementStatus, Instant readAt) {

    static AccountQuota of(GetAccountResponse account, Instant readAt) {
        var quota = account.sendQuota();
        return new AccountQuota(quota == null || quota.max24HourSend() == null ? -1 : quota.max24HourSend(),
                quota == null || quota.maxSendRate() == null ? -1 : quota.maxSendRate(),
                quota == null || quota.sentLast24Hours() == null ? 0 : quota.sentLast24Hours(),
                !Boolean.FALSE.equals(account.sendingEnabled()),
                account.enforcementStatus() == null ? "unknown" : account.enforcementStatus(), readAt);
    }

    /** SES reports -1 for an unlimited 24-hour quota. */
    boolean unlimited() {
        return max24HourSend < 0;
    }

    /** Messages that may still go out in the rolling 24 hours, keeping {@code margin} of the quota unused; never negative. */
    long remaining(double margin) {
        long kept = Math.max(1, (long) Math.ceil(max24HourSend * margin));
        return Math.max(0, (long) Math.floor(max24HourSend - sentLast24Hours) - kept);
    }

    /** The account's rate in whole messages per second (at least one), or {@code fallback} if it reports none. */
    int rate(int fallback) {
        return maxSendRate <= 0 ? fallback : Math.max(1, (int) Math.floor(maxSendRate));
    }
}
