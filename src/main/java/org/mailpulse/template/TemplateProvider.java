package org.mailpulse.template;

import java.util.Locale;

/** Where a template's content lives: stored in SES (rendered by SES with TemplateData) or here (rendered by Qute). */
public enum TemplateProvider {
    SES,
    INTERNAL;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
