#!/usr/bin/env Rscript
# Reference values for package parachute/survival: logistic recalibration
# (calibration intercept and slope) of predicted event probabilities at a
# horizon, with inverse-probability-of-censoring weights.
#
# Run from parachute/survival/testdata:   Rscript gen/recalibration.R
# Needs Debian r-base-core r-cran-survival r-cran-jsonlite. go test never runs
# this script.
#
# Data: survival::lung (NCCTG advanced lung cancer; Loprinzi et al. 1994),
# time in days, event = status == 2. Predictions: 1 - S(t | age, sex) from a
# Breslow coxph fit (survfit), and a distorted copy plogis(0.4 + 1.7 qlogis(p))
# whose intercept and slope are far from 0 and 1.
#
# Weights (the R convention of riskRegression's Brier score): an event by t
# weighs 1/G(T-), a patient followed beyond t 1/G(t), one censored by t 0,
# G the censoring Kaplan-Meier with events first at tied times (censorings at
# t divided by the at-risk minus the events at t, as prodlim reverse = TRUE),
# written out below. The fits are glm(quasibinomial) (the binomial estimates,
# without the warning about non-integer weights): slope from y ~ logit(p),
# intercept from y ~ 1 + offset(logit(p)).
suppressPackageStartupMessages({ library(survival); library(jsonlite) })
num <- function(v) structure(sprintf("%.17g", v), class = "json")
vec <- function(v) structure(paste0("[", paste(sprintf("%.17g", v), collapse = ","), "]"), class = "json")

d <- with(lung, data.frame(time = time, event = status == 2, age = age, sex = sex))
fit <- coxph(Surv(time, event) ~ age + sex, data = d, ties = "breslow")

censoring <- function(time, event) {
  ut <- sort(unique(time)); g <- numeric(length(ut)); s <- 1
  for (k in seq_along(ut)) {
    n <- sum(time >= ut[k]); dk <- sum(time == ut[k] & event); ck <- sum(time == ut[k] & !event)
    if (ck > 0) s <- s * (1 - ck / (n - dk))
    g[k] <- s
  }
  list(at = function(t) { k <- which(ut <= t); if (length(k) == 0) 1 else g[max(k)] },
       left = function(t) { k <- which(ut < t); if (length(k) == 0) 1 else g[max(k)] })
}
G <- censoring(d$time, d$event)

case <- function(name, p, horizon) {
  y <- as.numeric(d$time <= horizon & d$event)
  w <- ifelse(d$time <= horizon & d$event, 1 / sapply(d$time, G$left),
              ifelse(d$time > horizon, 1 / G$at(horizon), 0))
  lp <- qlogis(p)
  slope <- coef(glm(y ~ lp, family = quasibinomial, weights = w))[2]
  intercept <- coef(glm(y ~ 1 + offset(lp), family = quasibinomial, weights = w))[1]
  list(name = name, horizon = num(horizon), p = vec(p), intercept = num(unname(intercept)),
       slope = num(unname(slope)), known = sum(w > 0))
}

cases <- list()
for (h in c(180, 365, 550)) {
  p <- 1 - c(summary(survfit(fit, newdata = d), times = h)$surv)
  cases[[length(cases) + 1]] <- case(sprintf("Cox fit at %d days", h), p, h)
  cases[[length(cases) + 1]] <- case(sprintf("distorted at %d days", h), plogis(0.4 + 1.7 * qlogis(p)), h)
}

x <- list(
  header = list(tool = "R stats, survival", tool_version = list(R = R.version.string, survival = as.character(packageVersion("survival")),
                                                               jsonlite = as.character(packageVersion("jsonlite"))),
                call = list(slope = "glm(y ~ qlogis(p), family = quasibinomial, weights = w)",
                            intercept = "glm(y ~ 1 + offset(qlogis(p)), family = quasibinomial, weights = w)",
                            predictions = "1 - summary(survfit(coxph(Surv(time, event) ~ age + sex, ties = 'breslow'), newdata = d), times = h)$surv"),
                dataset = list(name = "lung", source = "R survival package: NCCTG advanced lung cancer (Loprinzi et al. 1994); rows in data/lung.csv"),
                convention_notes = "IPCW: events by t weigh 1/G(T-), followed beyond t 1/G(t), censored by t 0; G with events first at ties",
                generator = "parachute/survival/testdata/gen/recalibration.R", date = format(Sys.Date())),
  time = vec(d$time), event = d$event, cases = cases)
writeLines(toJSON(x, auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE), "reference/recalibration.json")
