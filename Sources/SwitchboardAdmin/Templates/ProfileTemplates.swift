/// Profiles (look one up) and date triggers (Open Loyalty's expiring notifications).
enum ProfilesTemplate {
    static let template = #"""
    <form method="get" action="/admin/profiles" class="filters" role="search">
      <label for="search">User id</label>
      <input id="search" name="search" type="search" value="{{search}}">
      <button type="submit">Look up</button>
    </form>
    {{#hasRows}}
    <table>
      <thead><tr><th scope="col">User</th><th scope="col">Audiences</th><th scope="col">Traits</th><th scope="col">Last seen</th></tr></thead>
      <tbody>{{#rows}}<tr><td><a href="/admin/profiles/{{link}}">{{userId}}</a></td><td>{{audiences}}</td><td>{{traits}}</td><td><time datetime="{{lastSeen.iso}}" title="{{lastSeen.text}}">{{lastSeen.text}}</time></td></tr>{{/rows}}</tbody>
    </table>
    {{#next}}<p><a href="{{next}}">Next page</a></p>{{/next}}
    {{/hasRows}}
    {{^hasRows}}{{#searched}}<p class="empty">No profile matches “{{search}}”. <a href="/admin/profiles">Show all</a>.</p>{{/searched}}{{^searched}}<p class="empty">No profiles yet: they are made from identify and track events as they arrive.</p>{{/searched}}{{/hasRows}}
    """#
}

enum ProfileTemplate {
    static let template = #"""
    <dl class="card facts">
      <dt>First seen</dt><dd><time datetime="{{firstSeen.iso}}" title="{{firstSeen.text}}">{{firstSeen.text}}</time></dd>
      <dt>Last seen</dt><dd><time datetime="{{lastSeen.iso}}" title="{{lastSeen.text}}">{{lastSeen.text}}</time></dd>
      <dt>Anonymous ids</dt><dd>{{anonymousIds}}{{^anonymousIds}}none{{/anonymousIds}}</dd>
      <dt>Audiences</dt><dd>{{#hasAudiences}}{{#audiences}}<code>{{.}}</code> {{/audiences}}{{/hasAudiences}}{{^hasAudiences}}none{{/hasAudiences}}</dd>
    </dl>
    <h2>Traits</h2>
    <pre>{{traits}}</pre>
    <h2>Recent events</h2>
    {{#hasEvents}}
    <table>
      <thead><tr><th scope="col">Event</th><th scope="col">Type</th><th scope="col">Received</th></tr></thead>
      <tbody>{{#events}}<tr><td><a href="/admin/events/{{id}}">{{name}}</a></td><td>{{type}}</td><td><time datetime="{{received.iso}}" title="{{received.text}}">{{received.text}}</time></td></tr>{{/events}}</tbody>
    </table>
    {{/hasEvents}}
    {{^hasEvents}}<p class="empty">No events of this user are kept.</p>{{/hasEvents}}
    """#
}

enum DateTriggersTemplate {
    static let template = #"""
    {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
    {{#hasRows}}
    <table>
      <thead><tr><th scope="col">Name</th><th scope="col">Date trait</th><th scope="col">Days before</th><th scope="col">At (UTC)</th><th scope="col">Event</th>{{#canEdit}}<th scope="col"><span class="visually-hidden">Delete</span></th>{{/canEdit}}</tr></thead>
      <tbody>{{#rows}}<tr><td>{{name}}</td><td><code>{{field}}</code></td><td>{{daysBefore}}</td><td>{{atTime}}</td><td>{{eventName}}</td>
        {{#canEdit}}<td><form method="post" action="/admin/date-triggers/{{id}}/delete"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" aria-label="Delete {{name}}">Delete</button></form></td>{{/canEdit}}</tr>{{/rows}}</tbody>
    </table>
    {{/hasRows}}
    {{^hasRows}}<p class="empty">No date triggers yet.{{#canEdit}} Add one below: an event some days before a date kept in a profile trait, such as points expiring.{{/canEdit}}</p>{{/hasRows}}
    {{#canEdit}}
    <form method="post" action="/admin/date-triggers" class="card form">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <fieldset>
        <legend>Add an expiring notification</legend>
        <label for="name">Name</label>
        <input id="name" name="name" value="{{name}}" required>
        {{#errors.name}}<p class="field-error">{{errors.name}}</p>{{/errors.name}}
        <label for="field">Date trait (a profile trait holding a date)</label>
        <input id="field" name="field" value="{{field}}">
        {{#errors.field}}<p class="field-error">{{errors.field}}</p>{{/errors.field}}
        <label for="daysBefore">Days before</label>
        <input id="daysBefore" name="daysBefore" inputmode="numeric" value="{{daysBefore}}">
        {{#errors.daysBefore}}<p class="field-error">{{errors.daysBefore}}</p>{{/errors.daysBefore}}
        <label for="atTime">At (UTC, HH:MM)</label>
        <input id="atTime" name="atTime" value="{{atTime}}">
        {{#errors.atTime}}<p class="field-error">{{errors.atTime}}</p>{{/errors.atTime}}
        <label for="eventName">Event to emit</label>
        <input id="eventName" name="eventName" value="{{eventName}}" list="eventPresets">
        <datalist id="eventPresets">{{#presets}}<option value="{{name}}">{{/presets}}</datalist>
        {{#errors.eventName}}<p class="field-error">{{errors.eventName}}</p>{{/errors.eventName}}
      </fieldset>
      <button type="submit" class="primary">Add</button>
    </form>
    {{/canEdit}}
    """#
}
