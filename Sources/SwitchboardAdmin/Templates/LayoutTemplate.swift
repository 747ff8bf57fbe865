/// The frame of every page: navigation, who is signed in, sign out.
enum LayoutTemplate {
    static let template = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} · Switchboard</title>
    <link rel="stylesheet" href="/admin/assets/admin.css">
    <script src="/admin/assets/admin.js" defer></script>
    </head>
    <body>
    <header class="top">
      <a class="brand" href="/admin">Switchboard</a>
      {{#user}}
      <nav aria-label="Main">
        <a href="/admin"{{#nav_dashboard}} aria-current="page"{{/nav_dashboard}}>Dashboard</a>
        <a href="/admin/destinations"{{#nav_destinations}} aria-current="page"{{/nav_destinations}}>Destinations</a>
        <a href="/admin/subscriptions"{{#nav_subscriptions}} aria-current="page"{{/nav_subscriptions}}>Subscriptions</a>
        <a href="/admin/audiences"{{#nav_audiences}} aria-current="page"{{/nav_audiences}}>Audiences</a>
        <a href="/admin/syncs"{{#nav_syncs}} aria-current="page"{{/nav_syncs}}>Syncs</a>
        <a href="/admin/profiles"{{#nav_profiles}} aria-current="page"{{/nav_profiles}}>Profiles</a>
        <a href="/admin/date-triggers"{{#nav_dateTriggers}} aria-current="page"{{/nav_dateTriggers}}>Date triggers</a>
        <a href="/admin/activity"{{#nav_activity}} aria-current="page"{{/nav_activity}}>Activity log</a>
        <a href="/admin/events"{{#nav_events}} aria-current="page"{{/nav_events}}>Events</a>
        <a href="/admin/event-types"{{#nav_eventTypes}} aria-current="page"{{/nav_eventTypes}}>Event types</a>
        <a href="/admin/sources"{{#nav_sources}} aria-current="page"{{/nav_sources}}>Sources</a>
        <a href="/admin/connectors"{{#nav_connectors}} aria-current="page"{{/nav_connectors}}>Connectors</a>
        {{#user.isAdmin}}<a href="/admin/keys"{{#nav_keys}} aria-current="page"{{/nav_keys}}>Keys</a>{{/user.isAdmin}}
      </nav>
      <form class="signout" method="post" action="/admin/sign-out">
        <span class="who">{{name}} ({{role}})</span>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">Sign out</button>
      </form>
      {{/user}}
    </header>
    <main>
    <h1>{{title}}</h1>
    {{{body}}}
    </main>
    </body>
    </html>
    """#
}
