"""Priority against Optimal on generated estates of growing size: coverage and shortfall of
each mode, printed as a table, and plotted with matplotlib when it is installed.

    python itam-py/examples/compare_modes.py [--out coverage.png]
"""

import argparse

import itam


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="coverage.png", help="where the plot goes")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    sizes = [50, 100, 200, 400]
    rows = []
    for devices in sizes:
        estate = itam.generate_estate(seed=args.seed, devices=devices)
        both = itam.reconcile(estate, "2026-01-01")
        p, o = both["priority"]["totals"], both["optimal"]["totals"]
        rows.append((devices, p["demand"], p["covered"], o["covered"], p["shortfall"], o["shortfall"]))
    print(f"{'devices':>8} {'demand':>8} {'covered P':>10} {'covered O':>10} {'short P':>8} {'short O':>8}")
    for r in rows:
        print(f"{r[0]:>8} {r[1]:>8} {r[2]:>10} {r[3]:>10} {r[4]:>8} {r[5]:>8}")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot")
        return
    share = lambda covered, demand: covered / demand if demand else 1.0
    plt.plot(sizes, [share(r[2], r[1]) for r in rows], marker="o", label="Priority")
    plt.plot(sizes, [share(r[3], r[1]) for r in rows], marker="s", label="Optimal")
    plt.xlabel("devices")
    plt.ylabel("share of demand covered")
    plt.legend()
    plt.savefig(args.out)
    print(f"plot: {args.out}")


if __name__ == "__main__":
    main()
