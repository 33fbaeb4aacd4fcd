package agents.Jama;

/**
 * Stand-in for agents.Jama.Matrix, missing from the vendored GENIUS 10.4 source (GENIUS repackaged the
 * public-domain JAMA library under agents.Jama). This class delegates to Debian's JAMA 1.0.3
 * (libjama-java, Jama.Matrix) and only re-types results as agents.Jama.Matrix, for IAMhaggler2011's
 * Gaussian process code. Written for accord's validation harness.
 */
public class Matrix extends Jama.Matrix {
	private static final long serialVersionUID = 1L;

	public Matrix(int m, int n) { super(m, n); }
	public Matrix(int m, int n, double s) { super(m, n, s); }
	public Matrix(double[][] a) { super(a); }
	public Matrix(double[][] a, int m, int n) { super(a, m, n); }
	public Matrix(double[] vals, int m) { super(vals, m); }

	static Matrix of(Jama.Matrix x) { return x == null ? null : new Matrix(x.getArray(), x.getRowDimension(), x.getColumnDimension()); }

	public static Matrix constructWithCopy(double[][] a) { return of(Jama.Matrix.constructWithCopy(a)); }
	public static Matrix identity(int m, int n) { return of(Jama.Matrix.identity(m, n)); }
	public static Matrix random(int m, int n) { return of(Jama.Matrix.random(m, n)); }
	public static Matrix read(java.io.BufferedReader input) throws java.io.IOException { return of(Jama.Matrix.read(input)); }

	@Override public Matrix copy() { return of(super.copy()); }
	@Override public Matrix getMatrix(int i0, int i1, int j0, int j1) { return of(super.getMatrix(i0, i1, j0, j1)); }
	@Override public Matrix getMatrix(int[] r, int[] c) { return of(super.getMatrix(r, c)); }
	@Override public Matrix getMatrix(int i0, int i1, int[] c) { return of(super.getMatrix(i0, i1, c)); }
	@Override public Matrix getMatrix(int[] r, int j0, int j1) { return of(super.getMatrix(r, j0, j1)); }
	@Override public Matrix transpose() { return of(super.transpose()); }
	@Override public Matrix uminus() { return of(super.uminus()); }
	@Override public Matrix plus(Jama.Matrix b) { return of(super.plus(b)); }
	@Override public Matrix plusEquals(Jama.Matrix b) { super.plusEquals(b); return this; }
	@Override public Matrix minus(Jama.Matrix b) { return of(super.minus(b)); }
	@Override public Matrix minusEquals(Jama.Matrix b) { super.minusEquals(b); return this; }
	@Override public Matrix arrayTimes(Jama.Matrix b) { return of(super.arrayTimes(b)); }
	@Override public Matrix arrayTimesEquals(Jama.Matrix b) { super.arrayTimesEquals(b); return this; }
	@Override public Matrix arrayRightDivide(Jama.Matrix b) { return of(super.arrayRightDivide(b)); }
	@Override public Matrix times(double s) { return of(super.times(s)); }
	@Override public Matrix timesEquals(double s) { super.timesEquals(s); return this; }
	@Override public Matrix times(Jama.Matrix b) { return of(super.times(b)); }
	@Override public Matrix solve(Jama.Matrix b) { return of(super.solve(b)); }
	@Override public Matrix solveTranspose(Jama.Matrix b) { return of(super.solveTranspose(b)); }
	@Override public Matrix inverse() { return of(super.inverse()); }
	@Override public CholeskyDecomposition chol() { return new CholeskyDecomposition(this); }
}
