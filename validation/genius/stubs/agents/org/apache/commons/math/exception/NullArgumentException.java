package agents.org.apache.commons.math.exception;

import agents.org.apache.commons.math.exception.util.Localizable;
import agents.org.apache.commons.math.exception.util.LocalizedFormats;

/**
 * Stand-in for a class missing from the vendored GENIUS 10.4 source (a repackaged Commons Math 2): an
 * argument that must not be null was null. Written for accord's validation harness.
 */
public class NullArgumentException extends MathIllegalArgumentException {
	private static final long serialVersionUID = 1L;

	public NullArgumentException() {
		this(null);
	}

	public NullArgumentException(Localizable specific) {
		super(specific, LocalizedFormats.NULL_NOT_ALLOWED);
	}
}
