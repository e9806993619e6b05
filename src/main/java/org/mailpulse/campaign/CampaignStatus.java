package org.mailpulse.campaign;

/** draft → queued → sending → done; paused from queued or sending, and back with resume. */
public enum CampaignStatus {
    DRAFT,
    QUEUED,
    SENDING,
    DONE,
    PAUSED
}
