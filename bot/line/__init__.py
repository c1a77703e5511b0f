"""The LINE adapter: the only package that imports `linebot`."""
