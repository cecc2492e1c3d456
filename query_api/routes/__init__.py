"""The API's routers, one per resource; `query_api.app.create_app` includes them in order."""
