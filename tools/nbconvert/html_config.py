# nbconvert configuration for the HTML pages of make reproduce.
#
# Debian's nbconvert 6.5 passes image/svg+xml outputs through its HTML
# cleaner, which strips every element inside <svg> (jupyter/nbconvert#1849,
# #1894; fixed upstream in 7.7 by #2018): the figures would export blank.
# Every figure the notebooks display carries a PNG beside its SVG, so the
# pages show the PNG.
c = get_config()  # noqa: F821 (defined by traitlets when it loads this file)
c.NbConvertBase.display_data_priority = [
    "text/html",
    "application/pdf",
    "text/latex",
    "image/png",
    "image/jpeg",
    "image/svg+xml",
    "text/markdown",
    "text/plain",
]
