/// Audience syncs: the list, the add form, one sync with "Sync now" and its runs.
enum SyncsTemplate {
    static let template = #"""
    {{#canEdit}}<p class="actions"><a class="button primary" href="/admin/syncs/new">Add audience sync</a></p>{{/canEdit}}
    {{#hasRows}}
    <table>
      <thead><tr><th scope="col">Sync</th><th scope="col">Audience</th><th scope="col">Destination</th><th scope="col">Mode</th><th scope="col">Recurring</th><th scope="col">Last run</th></tr></thead>
      <tbody>{{#rows}}<tr><td><a href="/admin/syncs/{{id}}">{{id}}</a></td><td><a href="/admin/audiences/{{audienceId}}">{{audienceId}}</a></td><td><a href="/admin/destinations/{{destinationId}}">{{destinationId}}</a></td><td>{{mode}}</td><td>{{interval}}</td><td>{{lastRun}}</td></tr>{{/rows}}</tbody>
    </table>
    {{#next}}<p><a href="{{next}}">Next page</a></p>{{/next}}
    {{/hasRows}}
    {{^hasRows}}<p class="empty">No syncs yet.{{#canEdit}} <a href="/admin/syncs/new">Add one</a>: an audience, a destination, and "Sync now" or a recurring interval.{{/canEdit}}</p>{{/hasRows}}
    """#
}

enum SyncFormTemplate {
    static let template = #"""
    {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
    <form method="post" action="/admin/syncs/new" class="card form">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <fieldset>
        <legend>Audience sync</legend>
        <label for="audienceId">Audience</label>
        <select id="audienceId" name="audienceId"><option value="">(choose)</option>{{#audiences}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/audiences}}</select>
        {{#errors.audienceId}}<p class="field-error">{{errors.audienceId}}</p>{{/errors.audienceId}}
        <label for="destinationId">Destination</label>
        <select id="destinationId" name="destinationId"><option value="">(choose)</option>{{#destinations}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/destinations}}</select>
        {{#errors.destinationId}}<p class="field-error">{{errors.destinationId}}</p>{{/errors.destinationId}}
        <label for="mode">Mode</label>
        <select id="mode" name="mode">{{#modes}}<option{{#selected}} selected{{/selected}}>{{value}}</option>{{/modes}}</select>
        <p class="hint">diff: only who joined and who left since the last successful run; full: every member each run.</p>
        {{#errors.mode}}<p class="field-error">{{errors.mode}}</p>{{/errors.mode}}
        <label class="check"><input type="checkbox" name="recurring" value="on"{{#recurring}} checked{{/recurring}}> Recurring sync</label>
        <label for="intervalSeconds">Every (seconds, at least 60)</label>
        <input id="intervalSeconds" name="intervalSeconds" inputmode="numeric" value="{{intervalSeconds}}">
        {{#errors.intervalSeconds}}<p class="field-error">{{errors.intervalSeconds}}</p>{{/errors.intervalSeconds}}
        <label for="batchSize">User ids per request</label>
        <input id="batchSize" name="batchSize" inputmode="numeric" value="{{batchSize}}">
        {{#errors.batchSize}}<p class="field-error">{{errors.batchSize}}</p>{{/errors.batchSize}}
        {{#errors.other}}<p class="field-error">{{errors.other}}</p>{{/errors.other}}
      </fieldset>
      <button type="submit" class="primary">Save</button>
      <a href="/admin/syncs">Cancel</a>
    </form>
    """#
}

enum SyncTemplate {
    static let template = #"""
    {{#notice}}<p class="notice ok" role="status">{{notice}}</p>{{/notice}}
    <dl class="card facts">
      <dt>Audience</dt><dd><a href="/admin/audiences/{{audienceId}}">{{audienceName}}</a></dd>
      <dt>Destination</dt><dd><a href="/admin/destinations/{{destinationId}}">{{destinationName}}</a></dd>
      <dt>Mode</dt><dd>{{mode}}</dd>
      <dt>Recurring</dt><dd>{{interval}}</dd>
      <dt>User ids per request</dt><dd>{{batchSize}}</dd>
    </dl>
    {{#canEdit}}
    <form method="post" action="/admin/syncs/{{id}}/run" class="actions">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <button type="submit" class="primary">Sync now</button>
    </form>
    {{/canEdit}}
    <h2>Runs</h2>
    {{#hasRuns}}
    <table>
      <thead><tr><th scope="col">Started</th><th scope="col">Status</th><th scope="col">Added</th><th scope="col">Removed</th><th scope="col">Requests</th><th scope="col">Finished</th><th scope="col">Error</th></tr></thead>
      <tbody>{{#runs}}<tr><td><time datetime="{{started.iso}}" title="{{started.text}}">{{started.text}}</time></td><td><span class="status {{style}}">{{status}}</span></td><td>{{added}}</td><td>{{removed}}</td><td>{{requests}}</td><td>{{#finished}}<time datetime="{{iso}}" title="{{text}}">{{text}}</time>{{/finished}}</td><td>{{error}}</td></tr>{{/runs}}</tbody>
    </table>
    {{/hasRuns}}
    {{^hasRuns}}<p class="empty">Not run yet.{{#canEdit}} Press "Sync now" to send the audience's members to the destination.{{/canEdit}}</p>{{/hasRuns}}
    """#
}
