package org.mailpulse.campaign;

import java.util.Locale;

/** Why a campaign is paused; it decides who resumes it ({@link CampaignStatus.Transition#RESUME}). */
public enum PauseCause {
    /** Paused through the API; resumed through the API. */
    OPERATOR,
    /** The reputation guard's bounce or complaint limit; resumed through the API. */
    REPUTATION,
    /** SES's 24-hour sending quota is used up; resumed by the sender once the rolling window frees quota. */
    DAILY_QUOTA,
    /** SES has paused sending for the account; resumed through the API only, once the account may send again. */
    ACCOUNT_PAUSED;

    /** The stored and published name, e.g. {@code daily_quota}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the sender resumes the campaign by itself when the cause is gone. */
    public boolean resumesByItself() {
        return this == DAILY_QUOTA;
    }
}
