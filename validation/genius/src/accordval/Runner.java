package accordval;

import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import genius.core.Agent;
import genius.core.AgentAdapter;
import genius.core.AgentID;
import genius.core.Bid;
import genius.core.Deadline;
import genius.core.DeadlineType;
import genius.core.Domain;
import genius.core.DomainImpl;
import genius.core.actions.Accept;
import genius.core.actions.Action;
import genius.core.actions.EndNegotiation;
import genius.core.actions.Inform;
import genius.core.actions.Offer;
import genius.core.issue.Issue;
import genius.core.issue.IssueDiscrete;
import genius.core.issue.IssueInteger;
import genius.core.issue.IssueReal;
import genius.core.issue.Value;
import genius.core.issue.ValueDiscrete;
import genius.core.issue.ValueInteger;
import genius.core.issue.ValueReal;
import genius.core.parties.NegotiationInfo;
import genius.core.parties.NegotiationParty;
import genius.core.persistent.DefaultPersistentDataContainer;
import genius.core.persistent.PersistentDataType;
import genius.core.timeline.DiscreteTimeline;
import genius.core.utility.AbstractUtilitySpace;
import genius.core.utility.AdditiveUtilitySpace;

/**
 * Headless bilateral SAOP sessions and utility read-outs against GENIUS 10.4's own classes, for
 * accord's validation (never shipped with accord).
 *
 * The session loop follows GENIUS's SessionManager with the StackedAlternatingOffersProtocol and a
 * round deadline: a DiscreteTimeline(R) whose round is set to the session's round before every turn
 * (so t = round / (R + 1)); each round the first party acts, then the second; an Accept ends the
 * session with the last offer as agreement, an EndNegotiation without one; after round R it ends
 * without agreement. Every party first receives Inform("NumberOfAgents", 2), as that protocol's
 * beforeSession sends. Old-API agents (genius.core.Agent) are wrapped in AgentAdapter, as GENIUS
 * does.
 *
 * Usage:
 *   session DOMAIN PROFILE_A PROFILE_B CLASS_A CLASS_B ROUNDS SEED   (one JSON object on stdout)
 *   read DOMAIN N SEED PROFILE...                                    (one JSON object on stdout)
 */
public class Runner {

	static String q(String s) {
		StringBuilder b = new StringBuilder("\"");
		for (char c : s.toCharArray()) {
			if (c == '"' || c == '\\') b.append('\\').append(c);
			else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
			else b.append(c);
		}
		return b.append('"').toString();
	}

	static String num(double x) {
		if (Double.isNaN(x) || Double.isInfinite(x)) return "null";
		return String.format(Locale.ROOT, "%.17g", x);
	}

	static String valueJson(Value v) {
		if (v instanceof ValueInteger) return Integer.toString(((ValueInteger) v).getValue());
		if (v instanceof ValueReal) return num(((ValueReal) v).getValue());
		if (v instanceof ValueDiscrete) return q(((ValueDiscrete) v).getValue());
		return q(v.toString());
	}

	static String bidJson(Bid bid, Domain domain) {
		StringBuilder b = new StringBuilder("{");
		boolean first = true;
		for (Issue i : domain.getIssues()) {
			if (!first) b.append(", ");
			first = false;
			b.append(q(i.getName())).append(": ").append(valueJson(bid.getValue(i.getNumber())));
		}
		return b.append('}').toString();
	}

	static AdditiveUtilitySpace load(Domain d, String path) throws Exception {
		return new AdditiveUtilitySpace(d, path);
	}

	static NegotiationParty makeParty(String cls) throws Exception {
		Object o = Class.forName(cls).getDeclaredConstructor().newInstance();
		if (o instanceof NegotiationParty) return (NegotiationParty) o;
		final Agent a = (Agent) o;
		return new AgentAdapter() {
			private static final long serialVersionUID = 1L;

			@Override
			protected Agent getAgent() {
				return a;
			}
		};
	}

	static void session(String[] args) throws Exception {
		String domPath = args[1];
		Domain domain = new DomainImpl(domPath);
		AdditiveUtilitySpace[] us = { load(domain, args[2]), load(domain, args[3]) };
		String[] cls = { args[4], args[5] };
		int rounds = Integer.parseInt(args[6]);
		long seed = Long.parseLong(args[7]);
		DiscreteTimeline tl = new DiscreteTimeline(rounds);
		Deadline dl = new Deadline(rounds, DeadlineType.ROUND);
		AgentID[] ids = { new AgentID("A"), new AgentID("B") };
		NegotiationParty[] p = new NegotiationParty[2];
		for (int k = 0; k < 2; k++) {
			p[k] = makeParty(cls[k]);
			// each party gets its own copy of its profile, as GENIUS loads one per party
			AbstractUtilitySpace own = load(domain, k == 0 ? args[2] : args[3]);
			p[k].init(new NegotiationInfo(own, null, null, dl, tl, seed + k, ids[k],
					new DefaultPersistentDataContainer(null, PersistentDataType.DISABLED)));
		}
		for (int k = 0; k < 2; k++) p[k].receiveMessage(null, new Inform(ids[k], "NumberOfAgents", 2));

		StringBuilder trace = new StringBuilder();
		Bid lastOffer = null;
		Bid agreement = null;
		String end = "deadline";
		int endRound = rounds;
		int turns = 0;
		String error = null;
		List<Class<? extends Action>> possible = new ArrayList<>();
		possible.add(Accept.class);
		possible.add(Offer.class);
		possible.add(EndNegotiation.class);
		outer: for (int r = 1; r <= rounds; r++) {
			for (int k = 0; k < 2; k++) {
				tl.setcRound(r);
				double t = tl.getTime();
				Action a;
				try {
					a = p[k].chooseAction(possible);
				} catch (Throwable e) {
					error = cls[k] + ": " + e;
					end = "error";
					endRound = r;
					break outer;
				}
				turns++;
				if (trace.length() > 0) trace.append(",\n    ");
				trace.append("{\"round\": ").append(r).append(", \"agent\": ").append(k)
						.append(", \"time\": ").append(num(t));
				if (a instanceof Offer) {
					Bid b = ((Offer) a).getBid();
					lastOffer = b;
					trace.append(", \"action\": \"offer\", \"bid\": ").append(bidJson(b, domain))
							.append(", \"utility\": [").append(num(us[0].getUtility(b))).append(", ")
							.append(num(us[1].getUtility(b))).append("]}");
				} else if (a instanceof Accept) {
					trace.append(", \"action\": \"accept\"}");
					if (lastOffer == null) {
						error = cls[k] + " accepted before any offer";
						end = "error";
					} else {
						agreement = lastOffer;
						end = "agreement";
					}
					endRound = r;
					break outer;
				} else {
					trace.append(", \"action\": ").append(q(a == null ? "null" : a.getClass().getSimpleName()))
							.append("}");
					end = "end";
					endRound = r;
					break outer;
				}
				Action seen = a;
				try {
					p[1 - k].receiveMessage(ids[k], seen);
				} catch (Throwable e) {
					error = cls[1 - k] + " in receiveMessage: " + e;
					end = "error";
					endRound = r;
					break outer;
				}
			}
		}
		for (int k = 0; k < 2; k++) {
			try {
				p[k].negotiationEnded(agreement);
			} catch (Throwable e) {
				// not part of the result
			}
		}
		PrintStream o = System.out;
		o.print("{\"domain\": " + q(new File(domPath).getName()));
		o.print(", \"profiles\": [" + q(new File(args[2]).getName()) + ", " + q(new File(args[3]).getName()) + "]");
		o.print(", \"agents\": [" + q(cls[0]) + ", " + q(cls[1]) + "]");
		o.print(", \"rounds\": " + rounds + ", \"seed\": " + seed);
		o.print(", \"end\": " + q(end) + ", \"end_round\": " + endRound + ", \"turns\": " + turns);
		if (error != null) o.print(", \"error\": " + q(error));
		if (agreement != null) {
			o.print(", \"agreement\": " + bidJson(agreement, domain));
			o.print(", \"utility\": [" + num(us[0].getUtility(agreement)) + ", " + num(us[1].getUtility(agreement)) + "]");
		} else {
			o.print(", \"agreement\": null, \"utility\": [" + num(us[0].getReservationValueUndiscounted()) + ", "
					+ num(us[1].getReservationValueUndiscounted()) + "]");
		}
		o.print(",\n  \"trace\": [\n    " + trace + "]}\n");
		o.flush();
	}

	static Value sample(Issue i, Random rnd) {
		if (i instanceof IssueDiscrete) {
			IssueDiscrete d = (IssueDiscrete) i;
			return d.getValue(rnd.nextInt(d.getNumberOfValues()));
		}
		if (i instanceof IssueInteger) {
			IssueInteger n = (IssueInteger) i;
			return new ValueInteger(n.getLowerBound() + rnd.nextInt(n.getUpperBound() - n.getLowerBound() + 1));
		}
		IssueReal r = (IssueReal) i;
		return new ValueReal(r.getLowerBound() + rnd.nextDouble() * (r.getUpperBound() - r.getLowerBound()));
	}

	static void read(String[] args) throws Exception {
		Domain domain = new DomainImpl(args[1]);
		int n = Integer.parseInt(args[2]);
		Random rnd = new Random(Long.parseLong(args[3]));
		List<Bid> bids = new ArrayList<>();
		for (int s = 0; s < n; s++) {
			java.util.HashMap<Integer, Value> m = new java.util.HashMap<>();
			for (Issue i : domain.getIssues()) m.put(i.getNumber(), sample(i, rnd));
			bids.add(new Bid(domain, m));
		}
		// built whole, then printed: GENIUS's reader prints warnings to stdout while it loads a profile
		StringBuilder o = new StringBuilder();
		o.append("{\"domain\": " + q(new File(args[1]).getName()) + ", \"seed\": " + args[3] + ",\n \"outcomes\": [");
		for (int s = 0; s < n; s++) o.append((s > 0 ? ",\n   " : "\n   ") + bidJson(bids.get(s), domain));
		o.append("],\n \"profiles\": {");
		for (int k = 4; k < args.length; k++) {
			String name = new File(args[k]).getName();
			o.append((k > 4 ? ",\n  " : "\n  ") + q(name) + ": ");
			StringBuilder p = new StringBuilder();
			try {
				AdditiveUtilitySpace u = load(domain, args[k]);
				p.append("{\"discount\": " + num(u.getDiscountFactor()) + ", \"reservation\": "
						+ num(u.getReservationValueUndiscounted()) + ", \"utility\": [");
				for (int s = 0; s < n; s++) p.append((s > 0 ? ", " : "") + num(u.getUtility(bids.get(s))));
				p.append("]}");
			} catch (Throwable e) {
				p = new StringBuilder("{\"error\": " + q(e.toString()) + "}");
			}
			o.append(p);
		}
		o.append("}}\n");
		System.out.print(o);
		System.out.flush();
	}

	public static void main(String[] args) throws Exception {
		// agents print to stdout and stderr: capture both, and write only the JSON (printed last)
		PrintStream out = System.out;
		PrintStream err = System.err;
		java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
		System.setOut(new PrintStream(bytes, true, "UTF-8"));
		System.setErr(new PrintStream(java.io.OutputStream.nullOutputStream()));
		try {
			if (args[0].equals("session")) session(args);
			else if (args[0].equals("read")) read(args);
			else throw new IllegalArgumentException("mode must be session or read: " + args[0]);
		} catch (Throwable e) {
			err.println("Runner: " + e);
			System.exit(2);
		}
		String all = bytes.toString("UTF-8");
		int start = all.lastIndexOf("{\"domain\": ");
		out.print(start >= 0 ? all.substring(start) : all);
		out.flush();
		System.exit(0);
	}
}
