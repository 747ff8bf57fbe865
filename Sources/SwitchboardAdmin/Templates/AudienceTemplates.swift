/// Audiences: the list, the add form, one audience with its members and syncs.
enum AudiencesTemplate {
    static let template = #"""
    {{#canEdit}}<p class="actions"><a class="button primary" href="/admin/audiences/new">Add audience</a></p>{{/canEdit}}
    {{#hasRows}}
    <table>
      <thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Status</th><th scope="col">Members</th><th scope="col">Created</th></tr></thead>
      <tbody>
      {{#rows}}
      <tr><td><a href="/admin/audiences/{{id}}">{{name}}</a></td><td><code>{{key}}</code></td>
        <td>{{#ready}}<span class="status on">{{status}}</span>{{/ready}}{{^ready}}<span class="status wait">{{status}}</span>{{/ready}}</td>
        <td>{{memberCount}}</td><td><time datetime="{{created.iso}}" title="{{created.text}}">{{created.text}}</time></td></tr>
      {{/rows}}
      </tbody>
    </table>
    {{#next}}<p><a href="{{next}}">Next page</a></p>{{/next}}
    {{/hasRows}}
    {{^hasRows}}<p class="empty">No audiences yet.{{#canEdit}} <a href="/admin/audiences/new">Add one</a>: a condition over profiles' traits, such as <code>traits.spend gt 500</code>; members enter and leave as profiles change.{{/canEdit}}</p>{{/hasRows}}
    """#
}

enum AudienceFormTemplate {
    static let template = #"""
    {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
    <form method="post" action="{{action}}" class="card form">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <fieldset>
        <legend>Audience</legend>
        <label for="key">Key (never reused: events name it)</label>
        <input id="key" name="key" value="{{key}}" required{{#errors.key}} aria-invalid="true" aria-describedby="key-error"{{/errors.key}}>
        {{#errors.key}}<p class="field-error" id="key-error">{{errors.key}}</p>{{/errors.key}}
        <label for="name">Name</label>
        <input id="name" name="name" value="{{name}}" required{{#errors.name}} aria-invalid="true" aria-describedby="name-error"{{/errors.name}}>
        {{#errors.name}}<p class="field-error" id="name-error">{{errors.name}}</p>{{/errors.name}}
        <label class="check"><input type="checkbox" name="emitOnBuild" value="on"{{#emitOnBuild}} checked{{/emitOnBuild}}> Emit "Audience Entered" for the members found when it is first built</label>
      </fieldset>
      <fieldset>
        <legend>Members are the profiles where</legend>
        {{#errors.condition}}<p class="field-error" role="alert">{{errors.condition}}</p>{{/errors.condition}}
        {{> conditionBuilder}}
        <p class="hint">Profile fields: <code>traits.spend</code>, <code>traits.plan</code>, <code>lastSeen</code>. Event counts (<code>{"count": {"event": "Order Completed", "withinDays": 30}, "op": "gte", "value": 3}</code>) go through the API.</p>
      </fieldset>
      <button type="submit" class="primary">Save</button>
      <a href="{{cancel}}">Cancel</a>
    </form>
    """#
}

enum AudienceTemplate {
    static let template = #"""
    <dl class="card facts">
      <dt>Key</dt><dd><code>{{key}}</code></dd>
      <dt>Status</dt><dd>{{#ready}}<span class="status on">{{status}}</span>{{/ready}}{{^ready}}<span class="status wait">{{status}}</span> (members are being found){{/ready}}</dd>
      <dt>Members</dt><dd>{{memberCount}}</dd>
      <dt>Condition</dt><dd><code class="condition">{{condition}}</code></dd>
    </dl>
    <h2>Syncs</h2>
    {{#hasSyncs}}
    <table>
      <thead><tr><th scope="col">Sync</th><th scope="col">Destination</th><th scope="col">Mode</th><th scope="col">Recurring</th><th scope="col">Last run</th></tr></thead>
      <tbody>{{#syncs}}<tr><td><a href="/admin/syncs/{{id}}">{{id}}</a></td><td><a href="/admin/destinations/{{destinationId}}">{{destinationId}}</a></td><td>{{mode}}</td><td>{{interval}}</td><td>{{lastRun}}</td></tr>{{/syncs}}</tbody>
    </table>
    {{/hasSyncs}}
    {{^hasSyncs}}<p class="empty">Not synced anywhere.{{#canEdit}} <a href="/admin/syncs/new?audience={{id}}">Add a sync</a> to send its members to a destination, now or every so often.{{/canEdit}}</p>{{/hasSyncs}}
    {{#hasSyncs}}{{#canEdit}}<p><a class="button" href="/admin/syncs/new?audience={{id}}">Add a sync</a></p>{{/canEdit}}{{/hasSyncs}}
    <h2>Members</h2>
    {{#hasMembers}}
    <table>
      <thead><tr><th scope="col">User</th><th scope="col">Last seen</th></tr></thead>
      <tbody>{{#members}}<tr><td>{{userId}}</td><td><time datetime="{{lastSeen.iso}}" title="{{lastSeen.text}}">{{lastSeen.text}}</time></td></tr>{{/members}}</tbody>
    </table>
    {{#moreMembers}}<p class="hint">The first members are shown; <code>GET /v1/audiences/{{id}}/members</code> lists them all.</p>{{/moreMembers}}
    {{/hasMembers}}
    {{^hasMembers}}<p class="empty">No members yet{{^ready}}: it is still being built{{/ready}}.</p>{{/hasMembers}}
    """#
}
