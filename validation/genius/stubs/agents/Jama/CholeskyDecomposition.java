package agents.Jama;

/**
 * Stand-in for agents.Jama.CholeskyDecomposition (missing from the vendored GENIUS 10.4 source): Debian's
 * JAMA 1.0.3 decomposition with results re-typed as agents.Jama.Matrix. Written for accord's validation
 * harness.
 */
public class CholeskyDecomposition extends Jama.CholeskyDecomposition {
	private static final long serialVersionUID = 1L;

	public CholeskyDecomposition(Jama.Matrix a) { super(a); }

	@Override public Matrix getL() { return Matrix.of(super.getL()); }
	@Override public Matrix solve(Jama.Matrix b) { return Matrix.of(super.solve(b)); }
}
