#!/usr/bin/env Rscript
# Reference values for package parachute/survival.
#
# Run from parachute/survival/testdata:   Rscript gen/reference.R
# Needs Debian r-base-core r-cran-survival r-cran-riskregression r-cran-jsonlite
# (R 4.2.2, survival 3.5-3, riskRegression 2022.11.28, prodlim 2019.11.13 were
# used for the committed files). go test never runs this script.
#
# For every dataset it writes data/<name>.csv (the rows used, from R's survival
# package) and reference/<name>.json (the values the Go tests compare to).
# Conventions: event = TRUE when death was observed; risk = linear predictor
# x'beta of a Breslow-ties Cox fit, uncentred, higher = earlier death, hence
# reverse = TRUE in concordance().

suppressPackageStartupMessages({
  library(survival); library(riskRegression); library(prodlim); library(jsonlite)
})

versions <- list(
  R = R.version.string,
  survival = as.character(packageVersion("survival")),
  riskRegression = as.character(packageVersion("riskRegression")),
  prodlim = as.character(packageVersion("prodlim")),
  jsonlite = as.character(packageVersion("jsonlite")))

# jsonlite prints at most 15 significant digits; doubles are written here
# with 17 ("%.17g"), which round-trips exactly. NA becomes null and +-Inf the
# strings "Inf" and "-Inf" (testutil.Float decodes both).
exact <- function(x) {
  if (is.list(x)) return(lapply(x, exact))
  if (!is.double(x)) return(x)
  num <- function(v) ifelse(is.na(v), "null",
                            ifelse(is.infinite(v), ifelse(v > 0, '"Inf"', '"-Inf"'), sprintf("%.17g", v)))
  if (is.matrix(x)) {
    rows <- apply(x, 1, function(r) paste0("[", paste(num(r), collapse = ","), "]"))
    return(structure(paste0("[", paste(rows, collapse = ","), "]"), class = "json"))
  }
  if (length(x) == 1 && is.null(names(x))) return(structure(num(x), class = "json"))
  structure(paste0("[", paste(num(x), collapse = ","), "]"), class = "json")
}

write_reference <- function(name, x) {
  writeLines(toJSON(exact(x), auto_unbox = TRUE, na = "null", null = "null", pretty = TRUE,
                    json_verbatim = TRUE),
             file.path("reference", paste0(name, ".json")))
}

sha256 <- function(path) strsplit(system2("sha256sum", path, stdout = TRUE), " ")[[1]][1]

km_block <- function(fit) {
  q <- quantile(fit, probs = c(0.25, 0.5, 0.75))
  list(time = fit$time, n_risk = fit$n.risk, n_event = fit$n.event, n_censor = fit$n.censor,
       surv = fit$surv, std_err = fit$std.err, lower = fit$lower, upper = fit$upper,
       quantile_probs = c(0.25, 0.5, 0.75), quantile = unname(q$quantile),
       quantile_lower = unname(q$lower), quantile_upper = unname(q$upper))
}

logrank_block <- function(time, event, group) {
  sd <- survdiff(Surv(time, event) ~ group)
  list(group = group, obs = as.vector(sd$obs), exp = as.vector(sd$exp),
       var = unname(sd$var), chisq = sd$chisq,
       df = length(sd$n) - 1, p = pchisq(sd$chisq, length(sd$n) - 1, lower.tail = FALSE))
}

concordance_block <- function(time, event, risk, ...) {
  f <- concordance(Surv(time, event) ~ risk, reverse = TRUE, ...)
  cnt <- f$count
  list(concordance = unname(f$concordance), concordant = unname(cnt["concordant"]),
       discordant = unname(cnt["discordant"]), tied_x = unname(cnt["tied.x"]),
       tied_y = unname(cnt["tied.y"]), tied_xy = unname(cnt["tied.xy"]))
}

# G from prodlim's reverse Kaplan-Meier of `train`, at times t: right-continuous
# G(t) and left limit G(t-).
censoring_at <- function(train, t) {
  G <- prodlim(Hist(time, event) ~ 1, data = train, reverse = TRUE)
  left <- sapply(t, function(x) { k <- which(G$time < x); if (length(k) == 0) 1 else G$surv[max(k)] })
  list(at = predict(G, times = t, type = "surv"), left = left)
}

# Everything for one dataset. df has columns time, event (logical) and the
# covariates of `formula` (right-hand side).
reference_for <- function(name, df, rhs, source, tau_between = FALSE) {
  csv <- file.path("data", paste0(name, ".csv"))
  write.csv(df, csv, row.names = FALSE)
  fit <- coxph(as.formula(paste("Surv(time, event) ~", rhs)), data = df, ties = "breslow")
  risk <- as.vector(model.matrix(fit) %*% coef(fit))
  n <- nrow(df)
  ev_times <- df$time[df$event]
  times <- unname(quantile(ev_times, c(0.25, 0.5, 0.75), type = 1))
  tau <- times[3]
  if (tau_between) tau <- (times[3] + min(ev_times[ev_times > times[3]])) / 2

  # Kaplan-Meier, three interval types.
  km <- lapply(c(log = "log", `log-log` = "log-log", plain = "plain"), function(ct)
    km_block(survfit(Surv(time, event) ~ 1, data = df, conf.type = ct)))

  # Log-rank: risk above vs at-or-below the median; risk tertiles.
  g2 <- as.integer(risk > median(risk))
  g3 <- as.integer(cut(risk, quantile(risk, c(0, 1/3, 2/3, 1)), include.lowest = TRUE, labels = FALSE))

  # Breslow baseline and predicted survival at the evaluation times.
  bh <- basehaz(fit, centered = FALSE)
  sf <- survfit(fit, newdata = df)
  surv_at <- summary(sf, times = times, extend = TRUE)$surv          # times x subjects
  # riskRegression: AUC on plogis(risk) (monotone in risk), Brier on 1 - S(t|x).
  auc <- Score(list(m = matrix(plogis(risk), n, length(times))), formula = Hist(time, event) ~ 1,
               data = df, times = times, metrics = "auc", cens.model = "km",
               null.model = FALSE, conf.int = FALSE)$AUC$score
  brier <- Score(list(m = t(1 - surv_at)), formula = Hist(time, event) ~ 1,
                 data = df, times = times, metrics = "brier", cens.model = "km",
                 null.model = FALSE, conf.int = FALSE)$Brier$score

  # Calibration at the median event time, 4 quantile bins of predicted event
  # probability: bin b ends at rank floor(b n / B) of the sorted predictions,
  # moved forward past predictions equal to the last one (ties stay together).
  h <- times[2]; B <- 4
  pred <- 1 - summary(sf, times = h, extend = TRUE)$surv[1, ]
  ord <- order(pred)
  cuts <- 0
  for (b in 1:B) {
    e <- max(floor(b * n / B), cuts[length(cuts)])
    while (e < n && e > 0 && pred[ord[e + 1]] == pred[ord[e]]) e <- e + 1
    if (e > cuts[length(cuts)]) cuts <- c(cuts, e)
  }
  calib <- lapply(seq_len(length(cuts) - 1), function(b) {
    idx <- ord[(cuts[b] + 1):cuts[b + 1]]
    s <- summary(survfit(Surv(time, event) ~ 1, data = df[idx, ]), times = h, extend = TRUE)
    list(rows = idx, predicted = mean(pred[idx]), observed = 1 - s$surv,
         lower = 1 - s$upper, upper = 1 - s$lower)
  })

  # Censoring distribution estimated on a training part, evaluated at the
  # other part's times and at the evaluation times.
  train_rows <- which(seq_len(n) %% 3 != 0); test_rows <- which(seq_len(n) %% 3 == 0)
  train <- df[train_rows, ]; test <- df[test_rows, ]
  # prodlim's predict() returns values in ascending time order: pass sorted times.
  test_t <- sort(unique(test$time[test$time <= max(train$time)]))
  g_test <- censoring_at(train, test_t)
  g_eval <- censoring_at(train, times)

  x <- list(
    header = list(
      tool = "R survival, riskRegression, prodlim", tool_version = versions,
      call = list(
        model = sprintf("coxph(Surv(time, event) ~ %s, ties = 'breslow'); risk = model.matrix(fit) %%*%% coef(fit)", rhs),
        harrell = "concordance(Surv(time, event) ~ risk, reverse = TRUE)",
        uno = "concordance(Surv(time, event) ~ risk, reverse = TRUE, timewt = 'n/G2', ymax = tau)",
        km = "survfit(Surv(time, event) ~ 1, conf.type = ct); quantile(fit, c(.25, .5, .75))",
        logrank = "survdiff(Surv(time, event) ~ group)",
        breslow = "basehaz(fit, centered = FALSE); summary(survfit(fit, newdata = df), times, extend = TRUE)",
        auc = "Score(list(m = plogis(risk)), Hist(time, event) ~ 1, times, metrics = 'auc', cens.model = 'km')",
        brier = "Score(list(m = 1 - S(t|x)), Hist(time, event) ~ 1, times, metrics = 'brier', cens.model = 'km')",
        calibration = "summary(survfit(Surv(time, event) ~ 1, data = bin), times = h, extend = TRUE)",
        censoring = "prodlim(Hist(time, event) ~ 1, data = train, reverse = TRUE); predict(G, times); left limits from G$time < t"),
      dataset = list(name = name, source = source, csv = csv, rows = n,
                     sha256 = sha256(csv)),
      convention_notes = paste(
        "risk is higher for earlier death, so concordance() is called with reverse = TRUE;",
        "concordance, survfit, prodlim(reverse = TRUE) take censorings after events at tied times;",
        "Uno (timewt n/G2) and riskRegression weight events by 1/G(T-) and keep T <= tau (RConvention in Go);",
        "times are the 25/50/75 % quantiles (type 1) of the event times; tau is the 75 % one",
        if (tau_between) "moved halfway to the next event time, so that T < tau and T <= tau agree" else ""),
      generator = "parachute/survival/testdata/gen/reference.R",
      date = format(Sys.Date())),
    time = df$time, event = df$event, risk = risk, coef = as.list(coef(fit)),
    loglik_breslow = fit$loglik[2],
    times = times, tau = tau,
    harrell = concordance_block(df$time, df$event, risk),
    uno = concordance_block(df$time, df$event, risk, timewt = "n/G2"),
    uno_tau = concordance_block(df$time, df$event, risk, timewt = "n/G2", ymax = tau),
    km = km,
    logrank2 = logrank_block(df$time, df$event, g2),
    logrank3 = logrank_block(df$time, df$event, g3),
    breslow = list(time = bh$time, hazard = bh$hazard, surv_at_times = surv_at),
    auc = auc$AUC, brier = brier$Brier,
    calibration = list(horizon = h, bins = B, predicted = pred, bin = calib),
    censoring = list(train_rows = train_rows - 1, test_times = test_t,
                     g_at = g_test$at, g_left = g_test$left, g_at_times = g_eval$at))
  write_reference(name, x)
}

src <- function(d) sprintf("R package survival %s, dataset '%s' (data(%s, package = 'survival'))",
                           versions$survival, d, d)

lung_df <- with(lung, data.frame(time = time, event = status == 2, age = age, sex = sex))
reference_for("lung", lung_df, "age + sex",
  paste(src("lung"), "- NCCTG advanced lung cancer; Loprinzi et al. 1994, J Clin Oncol 12:601-607"))

vet_df <- with(veteran, data.frame(time = time, event = status == 1, karno = karno, age = age,
                                   celltype = celltype))
reference_for("veteran", vet_df, "karno + age + celltype",
  paste(src("veteran"), "- Veterans' Administration lung cancer trial; Kalbfleisch & Prentice 1980"))

pbc_df <- with(pbc[1:312, ], data.frame(time = time, event = status == 2, age = age, bili = bili,
                                         albumin = albumin, edema = edema, protime = protime))
reference_for("pbc", pbc_df, "age + log(bili) + log(albumin) + edema + log(protime)",
  paste(src("pbc"), "rows 1-312 (randomised trial), transplant counted as censoring;",
        "Mayo Clinic PBC trial, Therneau & Grambsch 2000"))

ov_df <- with(ovarian, data.frame(time = futime, event = fustat == 1, age = age, ecog = ecog.ps))
reference_for("ovarian", ov_df, "age + ecog",
  paste(src("ovarian"), "- ovarian cancer trial; Edmonson et al. 1979. No event time equals a",
        "censoring time, so the scikit-survival and R IPCW conventions coincide"),
  tau_between = TRUE)

# Hand-made ties: tied event times, an event and a censoring at the same time,
# tied censorings, tied risks across and within those.
ties_df <- data.frame(
  time  = c(1, 2, 2, 2, 3, 3, 4, 4, 5, 6, 6, 7, 8, 9, 9, 10),
  event = c(TRUE, TRUE, TRUE, FALSE, FALSE, FALSE, TRUE, FALSE, TRUE, TRUE, TRUE, FALSE, TRUE, TRUE, FALSE, FALSE),
  x     = c(3, 2, 2, 2, 1, 1, 1, 0, 1, 0, 1, 0, -1, 0, 0, -2))
reference_for("ties", ties_df, "x", "hand-made: 16 subjects with every kind of tie (no external source)")
