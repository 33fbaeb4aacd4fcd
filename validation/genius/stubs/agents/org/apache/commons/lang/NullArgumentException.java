package agents.org.apache.commons.lang;

/**
 * Stand-in for a class missing from the vendored GENIUS 10.4 source (a repackaged Commons Lang 2):
 * thrown when a required argument is null. Written for accord's validation harness.
 */
public class NullArgumentException extends IllegalArgumentException {
	private static final long serialVersionUID = 1L;

	public NullArgumentException(String argName) {
		super((argName == null ? "Argument" : argName) + " must not be null.");
	}
}
