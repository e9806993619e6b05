package org.mailpulse.campaign.sending;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.campaign.repository.ClaimedMessage;
import org.mailpulse.campaign.repository.TemplateContent;
import org.mailpulse.config.MailPulseConfig;
import org.mailpulse.ses.event.SesEvent;
import org.mailpulse.template.TemplateProvider;
import software.amazon.awssdk.services.sesv2.model.Body;
import software.amazon.awssdk.services.sesv2.model.Content;
import software.amazon.awssdk.services.sesv2.model.Destination;
import software.amazon.awssdk.services.sesv2.model.EmailContent;
import software.amazon.awssdk.services.sesv2.model.Message;
import software.amazon.awssdk.services.sesv2.model.MessageHeader;
import software.amazon.awssdk.services.sesv2.model.MessageTag;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds the SendEmail request of one message: SES stored template with TemplateData, or subject and bodies
 * rendered here with Mustache (the {{placeholder}} syntax of SES templates; values HTML-escaped in the HTML
 * body; a placeholder without a value is an error, never an empty gap). Every mail carries the RFC 8058 one-click
 * unsubscribe headers and the tags that join its SES events back to campaign and customer.
 */
@ApplicationScoped
public class MessageComposer {

    private static final TypeReference<Map<String, Object>> DATA = new TypeReference<>() {
    };

    private static final Mustache.Compiler PLAIN = Mustache.compiler().escapeHTML(false);
    private static final Mustache.Compiler HTML = Mustache.compiler().escapeHTML(true);

    private final ObjectMapper json;
    private final MailPulseConfig config;
    private final Map<String, Template> parsed = new ConcurrentHashMap<>();

    public MessageComposer(ObjectMapper json, MailPulseConfig config) {
        this.json = json;
        this.config = config;
    }

    /** @throws RenderingException when a placeholder has no value or the template cannot be rendered */
    public SendEmailRequest compose(ClaimedMessage message, TemplateContent template, String unsubscribeToken) {
        String unsubscribeUrl = config.unsubscribe().baseUrl().replaceAll("/+$", "") + "/unsubscribe/" + unsubscribeToken;
        Map<String, Object> data = new HashMap<>(data(message));
        data.put("email", message.email());
        data.put("unsubscribeUrl", unsubscribeUrl);
        List<MessageHeader> headers = List.of(
                MessageHeader.builder().name("List-Unsubscribe").value("<" + unsubscribeUrl + ">").build(),
                MessageHeader.builder().name("List-Unsubscribe-Post").value("List-Unsubscribe=One-Click").build());

        EmailContent content = template.provider() == TemplateProvider.SES
                ? EmailContent.builder().template(t -> t.templateName(template.providerTemplateName()).templateData(toJson(data)).headers(headers)).build()
                : EmailContent.builder().simple(rendered(message, template, data, headers)).build();
        SendEmailRequest.Builder request = SendEmailRequest.builder()
                .fromEmailAddress(config.sending().fromAddress())
                .destination(Destination.builder().toAddresses(message.email()).build())
                .content(content)
                .emailTags(MessageTag.builder().name(SesEvent.TAG_CAMPAIGN).value(message.campaignId().toString()).build(),
                        MessageTag.builder().name(SesEvent.TAG_CUSTOMER).value(message.customerId().toString()).build());
        config.sending().configurationSet().ifPresent(request::configurationSetName);
        return request.build();
    }

    private Message rendered(ClaimedMessage message, TemplateContent template, Map<String, Object> data, List<MessageHeader> headers) {
        String key = message.templateId() + "/" + template.version();
        // Line breaks in a subject would start new headers; a placeholder value must never be able to do that.
        String subject = render(key + "/subject", template.subject(), PLAIN, data).replaceAll("[\\r\\n]+", " ").strip();
        Body.Builder body = Body.builder();
        if (template.htmlBody() != null) {
            body.html(content(render(key + "/html", template.htmlBody(), HTML, data)));
        }
        if (template.textBody() != null) {
            body.text(content(render(key + "/text", template.textBody(), PLAIN, data)));
        }
        return Message.builder().subject(content(subject)).body(body.build()).headers(headers).build();
    }

    private String render(String key, String source, Mustache.Compiler compiler, Map<String, Object> data) {
        try {
            Template template = parsed.computeIfAbsent(key + "/" + source.hashCode(), k -> compiler.compile(source));
            return template.execute(data);
        } catch (RuntimeException e) {
            throw new RenderingException(e.getMessage());
        }
    }

    private Map<String, Object> data(ClaimedMessage message) {
        try {
            return message.templateDataJson() == null ? Map.of() : json.readValue(message.templateDataJson(), DATA);
        } catch (JsonProcessingException e) {
            throw new RenderingException("template data is not a JSON object");
        }
    }

    private String toJson(Map<String, Object> data) {
        try {
            return json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new RenderingException(e.getOriginalMessage());
        }
    }

    private static Content content(String text) {
        return Content.builder().data(text).charset("UTF-8").build();
    }

    /** The message cannot be rendered: a permanent failure of that message only. */
    public static final class RenderingException extends RuntimeException {
        public RenderingException(String message) {
            super(message);
        }
    }
}
