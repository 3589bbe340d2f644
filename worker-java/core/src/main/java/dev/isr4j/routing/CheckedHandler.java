package dev.isr4j.routing;

import dev.isr4j.BadRequestException;
import dev.isr4j.Handler;
import dev.isr4j.Response;
import dev.isr4j.text.HeaderFields;

/**
 * A route's handler as the dispatcher calls it: a {@link BadRequestException} becomes the client's 400, and an
 * answer that cannot be sent as is (null, or a header field HTTP cannot carry) becomes the handler's failure,
 * before any cache sees it.
 */
final class CheckedHandler {
    private CheckedHandler() {
    }

    /** The handler, refusing an answer that cannot be sent as is: null, or a header field HTTP cannot carry. */
    static Handler of(Handler handler) {
        return request -> {
            Response response;
            try {
                response = handler.handle(request);
            } catch (BadRequestException e) {
                return e.response(); // the client's mistake, not the handler's
            }
            if (response == null) {
                throw new IllegalStateException("the handler returned null instead of a Response");
            }
            for (var field : response.headers().entries()) {
                if (!HeaderFields.isValidName(field.getKey())) {
                    throw new InvalidHeaderException("the response header name \"" + field.getKey()
                            + "\" is not an RFC 9110 token (letters, digits and !#$%&'*+-.^_`|~ only)");
                }
                if (!HeaderFields.isValidValue(field.getValue())) {
                    throw new InvalidHeaderException("the value of the response header \"" + field.getKey()
                            + "\" holds CR, LF, NUL, another control character or one above U+00FF; remove line"
                            + " breaks from it (or percent-encode request input before putting it in a header)");
                }
            }
            return response;
        };
    }

    /** A handler answered with a header field that HTTP cannot carry. */
    static final class InvalidHeaderException extends IllegalStateException {
        InvalidHeaderException(String message) {
            super(message);
        }
    }
}
