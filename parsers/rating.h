/* rating.h - star ratings normalised to 0..1. */
#ifndef ES_RATING_H
#define ES_RATING_H

#include <stdbool.h>

#define RATING_BEST 5.0  /* default scale: 1..5 stars */
#define RATING_WORST 1.0

/* (value - worst) / (best - worst), clamped to 0..1; NAN when value is NAN
 * or the scale is empty.  NAN best/worst mean the defaults 5 and 1. */
double rating_norm(double value, double best, double worst);
/* A scale as feeds.conf writes it: "5", "10", "1..5", "0-10".  A single
 * number N means 1..N when N <= 10, else 0..N (percentages).  Returns
 * false when s is not a scale. */
bool rating_scale_parse(const char *s, double *best, double *worst);
/* A rating as pages print it: "4", "4.5", "4.5 out of 5", "4/5", "80%",
 * "★★★★☆".  Sets *best when the text names the scale (else leaves it).
 * Returns NAN when there is no number. */
double rating_from_text(const char *s, double *best);

#endif
