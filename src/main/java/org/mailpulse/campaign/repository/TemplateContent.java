package org.mailpulse.campaign.repository;

import org.mailpulse.template.TemplateProvider;

/** The template fields the composer needs, loaded once per send round. */
public record TemplateContent(TemplateProvider provider, String providerTemplateName, String subject, String htmlBody,
                              String textBody, int version) {
}
