#!/usr/bin/env Rscript
# Reference values for package parachute/scoring (and the protocol's scoring in
# parachute/experiment): every metric of a test part scored against a
# training part, with the censoring distribution, the horizons, tau, the
# Breslow baseline and the log-rank threshold taken from the training part.
#
# Run from parachute/scoring/testdata:   Rscript gen/scoring.R
# Needs Debian r-base-core r-cran-survival r-cran-prodlim r-cran-jsonlite (R
# 4.2.2, survival 3.5-3, prodlim 2019.11.13 were used for the committed
# files). go test never runs this script.
#
# Datasets: the CSV files of parachute/survival/testdata/data (from R's
# survival package; sources in that folder's README). Risk = linear predictor
# of a Breslow Cox fit on the whole dataset (as there); rows whose 1-based
# index is 1 modulo 3 form the test part, the others the training part.
#
# What R gives directly is used directly: Harrell's C (concordance), the
# Kaplan-Meier curves (survfit), the log-rank test (survdiff), S(t | x) from
# the Breslow baseline of the training risks (survfit.coxph at a fixed
# coefficient of 1), the censoring distribution G of the training part
# (prodlim, reverse = TRUE). R has no Uno C, AUC(t) or Brier score with G
# from another data set, so those three are computed here from their
# definitions (scikit-survival's conventions, written out below) on top of
# prodlim's G: an implementation independent of the Go code, by pairs.
#
# Each file also holds the values the three plausible scoring bugs would give
# (G from the test part; the log-rank split at the test median; horizons from
# the test part), so the Go tests can check that they would notice them.

suppressPackageStartupMessages({ library(survival); library(prodlim); library(jsonlite) })

versions <- list(
  R = R.version.string,
  survival = as.character(packageVersion("survival")),
  prodlim = as.character(packageVersion("prodlim")),
  jsonlite = as.character(packageVersion("jsonlite")))

# Doubles with 17 significant digits (exact round trip); NA -> null.
exact <- function(x) {
  if (is.list(x)) return(lapply(x, exact))
  if (!is.double(x)) return(x)
  num <- function(v) ifelse(is.na(v), "null", sprintf("%.17g", v))
  if (is.matrix(x)) {
    rows <- apply(x, 1, function(r) paste0("[", paste(num(r), collapse = ","), "]"))
    return(structure(paste0("[", paste(rows, collapse = ","), "]"), class = "json"))
  }
  if (length(x) == 1 && is.null(names(x))) return(structure(num(x), class = "json"))
  structure(paste0("[", paste(num(x), collapse = ","), "]"), class = "json")
}

sha256 <- function(path) strsplit(system2("sha256sum", path, stdout = TRUE), " ")[[1]][1]

# G(t) = P(C > t), right-continuous, from prodlim's reverse Kaplan-Meier of d
# (censorings at a death time are taken after the death).
censoring_fun <- function(d) {
  G <- prodlim(Hist(time, event) ~ 1, data = d, reverse = TRUE)
  function(t) {
    u <- sort(unique(t))
    g <- predict(G, times = u, type = "surv")
    g[match(t, u)]
  }
}

# Uno's C, scikit-survival convention: events with T_i < tau weighted by
# 1/G(T_i)^2; (i, j) comparable when T_i < T_j, or T_i = T_j with j censored;
# tied risks count 1/2.
uno <- function(d, G, tau) {
  num <- 0; den <- 0
  for (i in which(d$event & d$time < tau)) {
    w <- 1 / G(d$time[i])^2
    j <- d$time > d$time[i] | (d$time == d$time[i] & !d$event)
    num <- num + w * sum((d$risk[i] > d$risk[j]) + 0.5 * (d$risk[i] == d$risk[j]))
    den <- den + w * sum(j)
  }
  num / den
}

# Cumulative/dynamic AUC(t): cases T_i <= t with an event, weighted by
# 1/G(T_i); controls T_j > t; tied risks 1/2.
auc_at <- function(d, G, t) {
  cases <- which(d$event & d$time <= t); controls <- which(d$time > t)
  w <- 1 / G(d$time[cases])
  s <- sapply(cases, function(i) sum((d$risk[i] > d$risk[controls]) + 0.5 * (d$risk[i] == d$risk[controls])))
  sum(w * s) / (sum(w) * length(controls))
}

# Brier(t) = mean of S_i(t)^2 [T_i <= t, event] / G(T_i) + (1 - S_i(t))^2 [T_i > t] / G(t).
brier_at <- function(d, G, t, s) {
  case <- d$event & d$time <= t
  ctrl <- d$time > t
  sum(ifelse(case, s^2 / G(d$time), 0) + ifelse(ctrl, (1 - s)^2 / G(t), 0)) / nrow(d)
}

# Type-1 quartiles of d's event times within [first test event, last test
# time) and at or before the last time of d.
horizons <- function(d, test) {
  q <- unname(quantile(d$time[d$event], c(0.25, 0.5, 0.75), type = 1))
  unique(q[q >= min(test$time[test$event]) & q < max(test$time) & q <= max(d$time)])
}

# Calibration at horizon h in B quantile bins of predicted event probability:
# bin b ends at rank floor(b n / B) of the sorted predictions, moved past
# predictions equal to its last one (ties stay together).
calibration_at <- function(d, pred, h, B) {
  n <- nrow(d); ord <- order(pred); cuts <- 0
  for (b in 1:B) {
    e <- max(floor(b * n / B), cuts[length(cuts)])
    while (e < n && e > 0 && pred[ord[e + 1]] == pred[ord[e]]) e <- e + 1
    if (e > cuts[length(cuts)]) cuts <- c(cuts, e)
  }
  lapply(seq_len(length(cuts) - 1), function(b) {
    idx <- ord[(cuts[b] + 1):cuts[b + 1]]
    s <- summary(survfit(Surv(time, event) ~ 1, data = d[idx, ]), times = h, extend = TRUE)
    list(n = length(idx), predicted = mean(pred[idx]), observed = 1 - s$surv,
         lower = 1 - s$upper, upper = 1 - s$lower)
  })
}

logrank <- function(test, thr) {
  g <- as.integer(test$risk > thr)
  sd <- survdiff(Surv(time, event) ~ g, data = test)
  list(threshold = thr, n_high = sum(g), n_low = sum(1 - g), chisq = sd$chisq,
       p = pchisq(sd$chisq, 1, lower.tail = FALSE))
}

scores <- function(train, test, times, tau, G, bins) {
  sfit <- coxph(Surv(time, event) ~ risk, data = train, ties = "breslow", init = 1,
                control = coxph.control(iter.max = 0))
  surv <- summary(survfit(sfit, newdata = data.frame(risk = test$risk)), times = times,
                  extend = TRUE)$surv                                   # times x patients
  surv <- matrix(surv, nrow = length(times))
  auc <- sapply(times, function(t) auc_at(test, G, t))
  km <- summary(survfit(Surv(time, event) ~ 1, data = test), times = times, extend = TRUE)$surv
  w <- c(1, head(km, -1)) - km
  brier <- sapply(seq_along(times), function(k) brier_at(test, G, times[k], surv[k, ]))
  ibs <- sum(diff(times) * (head(brier, -1) + tail(brier, -1)) / 2) / (max(times) - min(times))
  list(harrell_c = unname(concordance(Surv(time, event) ~ risk, data = test, reverse = TRUE)$concordance),
       uno_c = uno(test, G, tau), tau = tau, times = times, auc = auc,
       mean_auc = sum(auc * w) / (1 - km[length(km)]), km = km, surv = surv, brier = brier, ibs = ibs,
       logrank = logrank(test, median(train$risk)),
       calibration = lapply(seq_along(times), function(k)
         list(horizon = times[k], bins = calibration_at(test, 1 - surv[k, ], times[k], bins))))
}

reference_for <- function(name, rhs) {
  csv <- file.path("..", "..", "survival", "testdata", "data", paste0(name, ".csv"))
  df <- read.csv(csv)
  fit <- coxph(as.formula(paste("Surv(time, event) ~", rhs)), data = df, ties = "breslow")
  df$risk <- as.vector(model.matrix(fit) %*% coef(fit))
  n <- nrow(df)
  test_rows <- which(seq_len(n) %% 3 == 1); train_rows <- which(seq_len(n) %% 3 != 1)
  train <- df[train_rows, ]; test <- df[test_rows, ]
  times <- horizons(train, test)
  tau <- min(max(train$time), max(test$time))
  bins <- 4
  ref <- scores(train, test, times, tau, censoring_fun(train), bins)

  # What the plausible bugs would give, to show the tests can tell.
  G_test <- censoring_fun(test)
  alt <- list(
    uno_c_g_from_test = uno(test, G_test, tau),
    mean_auc_g_from_test = {
      a <- sapply(times, function(t) auc_at(test, G_test, t)); km <- ref$km
      sum(a * (c(1, head(km, -1)) - km)) / (1 - km[length(km)]) },
    logrank_test_median = logrank(test, median(test$risk)),
    times_from_test = horizons(test, test))
  if (abs(alt$uno_c_g_from_test - ref$uno_c) < 1e-6) stop(name, ": G from the test part gives the same Uno C")
  if (alt$logrank_test_median$n_high == ref$logrank$n_high) stop(name, ": the test median splits as the training median")

  x <- list(
    header = list(
      tool = "R survival, prodlim", tool_version = versions,
      call = list(
        risk = sprintf("coxph(Surv(time, event) ~ %s, ties = 'breslow') on all rows; risk = model.matrix(fit) %%*%% coef(fit)", rhs),
        split = "test = rows whose 1-based index is 1 modulo 3; train = the others",
        harrell = "concordance(Surv(time, event) ~ risk, data = test, reverse = TRUE)",
        censoring = "G = prodlim(Hist(time, event) ~ 1, data = train, reverse = TRUE); predict(G, times)",
        uno = "sum over events T_i < tau of 1/G(T_i)^2 times concordant pairs (T_i < T_j, or T_i = T_j with j censored; ties 1/2), over the same weighted count of pairs",
        auc = "cases T_i <= t with event, weight 1/G(T_i); controls T_j > t; ties 1/2; mean weighted by the test Kaplan-Meier decrements",
        survival = "survfit(coxph(Surv(time, event) ~ risk, data = train, ties = 'breslow', init = 1, iter.max = 0), newdata = test), summary at times, extend = TRUE",
        brier = "mean of S^2 [T <= t, event] / G(T) + (1 - S)^2 [T > t] / G(t); ibs by the trapezoid rule over times / (t_K - t_1)",
        km = "summary(survfit(Surv(time, event) ~ 1, data = test), times, extend = TRUE)",
        logrank = "survdiff(Surv(time, event) ~ (risk > median(train$risk)), data = test)",
        calibration = "summary(survfit(Surv(time, event) ~ 1, data = bin), times = h, extend = TRUE), 4 quantile bins of 1 - S(h | x)",
        times = "quantile(train event times, c(.25, .5, .75), type = 1) in [first test event time, last test time) and <= max train time",
        tau = "min(max(train$time), max(test$time))"),
      dataset = list(name = name, csv = sub("^\\.\\./\\.\\./", "parachute/", csv), rows = n, sha256 = sha256(csv),
                     source = "see parachute/survival/testdata/README.md"),
      convention_notes = paste(
        "risk is higher for earlier death; G from the training part, right-continuous (scikit-survival);",
        "Uno keeps events with T < tau; censorings at a death time are taken after the death;",
        "alternatives holds what three plausible bugs give, for the Go tests' sensitivity checks"),
      generator = "parachute/scoring/testdata/gen/scoring.R",
      date = format(Sys.Date())),
    train_rows = train_rows - 1, test_rows = test_rows - 1,
    time = df$time, event = df$event, risk = df$risk, calibration_bins = bins,
    expected = ref, alternatives = alt)
  writeLines(toJSON(exact(x), auto_unbox = TRUE, na = "null", null = "null", pretty = TRUE,
                    json_verbatim = TRUE),
             file.path("reference", paste0("scoring_", name, ".json")))
}

reference_for("lung", "age + sex")
reference_for("veteran", "karno + age + celltype")
reference_for("pbc", "age + log(bili) + log(albumin) + edema + log(protime)")
