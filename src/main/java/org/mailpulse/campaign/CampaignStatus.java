package org.mailpulse.campaign;

/**
 * draft → queued → sending → done; paused from queued or sending, and resume back to queued (the sender moves
 * it on to sending). Every other move is refused.
 */
public enum CampaignStatus {
    DRAFT,
    QUEUED,
    SENDING,
    DONE,
    PAUSED;

    public enum Action { QUEUE, PAUSE, RESUME }

    public boolean allows(Action action) {
        return switch (action) {
            case QUEUE -> this == DRAFT;
            case PAUSE -> this == QUEUED || this == SENDING;
            case RESUME -> this == PAUSED;
        };
    }

    public CampaignStatus after(Action action) {
        return switch (action) {
            case QUEUE, RESUME -> QUEUED;
            case PAUSE -> PAUSED;
        };
    }

    /** Recipients may be added until the campaign is done. */
    public boolean acceptsRecipients() {
        return this != DONE;
    }
}
