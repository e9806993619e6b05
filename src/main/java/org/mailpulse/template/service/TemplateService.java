package org.mailpulse.template.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.common.InvalidFieldsException;
import org.mailpulse.common.PageResponse;
import org.mailpulse.common.Pages;
import org.mailpulse.common.Problem;
import org.mailpulse.template.Template;
import org.mailpulse.template.TemplateProvider;
import org.mailpulse.template.repository.TemplateRepository;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

@ApplicationScoped
public class TemplateService {

    private final TemplateRepository templates;

    public TemplateService(TemplateRepository templates) {
        this.templates = templates;
    }

    @WithTransaction
    public Uni<TemplateView> create(TemplateRequests.Create request) {
        TemplateProvider provider = TemplateProvider.valueOf(request.provider().toUpperCase());
        Set<String> problems = new HashSet<>();
        if (provider == TemplateProvider.SES && request.providerTemplateName() == null) {
            problems.add("providerTemplateName: is required for provider ses");
        }
        if (provider == TemplateProvider.INTERNAL) {
            if (request.subject() == null || request.subject().isBlank()) {
                problems.add("subject: is required for provider internal");
            }
            if (request.htmlBody() == null && request.textBody() == null) {
                problems.add("htmlBody: htmlBody or textBody is required for provider internal");
            }
            checkSyntax("subject", request.subject(), problems);
            checkSyntax("htmlBody", request.htmlBody(), problems);
            checkSyntax("textBody", request.textBody(), problems);
        }
        if (!problems.isEmpty()) {
            return Uni.createFrom().failure(new InvalidTemplateException(problems));
        }
        Template template = new Template();
        template.name = request.name();
        template.provider = provider;
        template.providerTemplateName = request.providerTemplateName();
        template.subject = request.subject();
        template.htmlBody = request.htmlBody();
        template.textBody = request.textBody();
        template.weekOfMonth = request.weekOfMonth();
        template.version = request.version() == null ? 1 : request.version();
        template.active = request.active() == null || request.active();
        return templates.persist(template).map(TemplateView::of);
    }

    @WithSession
    public Uni<PageResponse<TemplateView>> list(Page page) {
        var query = templates.findAll(Sort.by("createdAt").descending());
        return Pages.of(query, page, TemplateView::of);
    }

    @WithSession
    public Uni<TemplateView> find(UUID id) {
        return templates.findById(id).onItem().ifNotNull().transform(TemplateView::of);
    }

    private void checkSyntax(String field, String content, Set<String> problems) {
        if (content == null) {
            return;
        }
        try {
            Mustache.compiler().compile(content);
        } catch (MustacheException e) {
            problems.add(field + ": is not a valid template: " + e.getMessage());
        }
    }

    /** Field-level problems found beyond Bean Validation; answered like a validation failure. */
    /** The template's fields that cannot be rendered, each problem as "field: message". */
    public static final class InvalidTemplateException extends InvalidFieldsException {
        private final Set<String> problems;

        public InvalidTemplateException(Set<String> problems) {
            super(String.join("; ", problems));
            this.problems = problems;
        }

        @Override
        public List<Problem.FieldError> fieldErrors() {
            return problems.stream().sorted().map(p -> {
                int colon = p.indexOf(": ");
                return new Problem.FieldError(p.substring(0, colon), p.substring(colon + 2));
            }).toList();
        }
    }
}
