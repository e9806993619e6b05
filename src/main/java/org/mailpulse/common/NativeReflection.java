package org.mailpulse.common;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.mailpulse.campaign.service.CampaignStats;
import org.mailpulse.campaign.service.CampaignView;
import org.mailpulse.campaign.service.EnrolmentReport;
import org.mailpulse.campaign.service.RecipientView;
import org.mailpulse.customer.service.CustomerView;
import org.mailpulse.ingest.quarantine.QuarantineResource;
import org.mailpulse.message.service.MessageView;
import org.mailpulse.suppression.service.SuppressionView;
import org.mailpulse.template.service.TemplateView;

/**
 * JSON types that reach Jackson only as type arguments (inside {@link PageResponse} or Uni), which the native
 * build's own analysis of resource signatures may not see.
 */
@RegisterForReflection(targets = {
        PageResponse.class, Problem.class, Problem.FieldError.class, ImportReport.class, ImportReport.Rejection.class,
        CustomerView.class, TemplateView.class, CampaignView.class, RecipientView.class, CampaignStats.Stats.class,
        EnrolmentReport.class, EnrolmentReport.Rejection.class, MessageView.class, MessageView.HistoryEntry.class,
        SuppressionView.class, QuarantineResource.QuarantinedView.class})
public final class NativeReflection {

    private NativeReflection() {
    }
}
