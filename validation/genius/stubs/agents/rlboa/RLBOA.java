package agents.rlboa;

/**
 * Stand-in for a class missing from the vendored GENIUS 10.4 source: PartyRepItem only tests
 * "instanceof RLBOA", so an empty type that no party extends keeps its behaviour for every other
 * party. Written for accord's validation harness.
 */
public abstract class RLBOA {
}
