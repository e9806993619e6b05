package org.mailpulse.common;

import java.util.List;

/**
 * A request a domain refuses field by field; answered 400 with {@link Problem#errors()}. Domains throw a subclass,
 * so that the mapping of responses needs to know none of them.
 */
public abstract class InvalidFieldsException extends RuntimeException {

    protected InvalidFieldsException(String message) {
        super(message);
    }

    /** The refused fields, in the order they are to be listed. */
    public abstract List<Problem.FieldError> fieldErrors();
}
