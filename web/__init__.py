"""Server-rendered pages (docs/pages.md): the dashboards for people, the counsellors' workspace and
the employers' pages, on the same selectors and services as the API."""
