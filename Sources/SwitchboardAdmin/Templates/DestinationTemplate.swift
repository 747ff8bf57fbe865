/// One destination: its settings, its secret, a test send, switching it on and off, its recent deliveries.
enum DestinationTemplate {
    static let template = #"""
    {{#notice}}<p class="notice ok" role="status">{{notice}}</p>{{/notice}}
    <dl class="card facts">
      <dt>Status</dt><dd>{{#enabled}}<span class="status on">Enabled</span>{{/enabled}}{{^enabled}}<span class="status off">Disabled</span> {{disabledReason}}{{/enabled}}</dd>
      <dt>URL</dt><dd class="url">{{method}} {{url}}</dd>
      <dt>Active from</dt><dd>{{#activeFrom}}<time datetime="{{iso}}" title="{{text}}">{{text}}</time>{{/activeFrom}}{{^activeFrom}}always{{/activeFrom}}</dd>
      <dt>Headers</dt><dd>{{#headers}}<code>{{name}}: {{value}}</code><br>{{/headers}}{{^headers}}none{{/headers}}</dd>
      <dt>Signing</dt><dd>{{signing}}</dd>
      <dt>Timeout</dt><dd>{{timeoutMs}} ms</dd>
      <dt>Retry schedule</dt><dd>{{retrySchedule}} s</dd>
      <dt>Rate limit</dt><dd>{{rateLimit}}</dd>
      <dt>Concurrency</dt><dd>{{maxConcurrency}}</dd>
      <dt>Ordering</dt><dd>{{ordering}}</dd>
      <dt>Batching</dt><dd>{{batching}}</dd>
      <dt>Subscriptions</dt><dd>{{#subscriptions}}{{name}} ({{events}}; {{format}})<br>{{/subscriptions}}{{^subscriptions}}none: it receives nothing yet{{/subscriptions}}</dd>
    </dl>
    {{#canEdit}}
    <div class="actions">
      <a class="button" href="/admin/destinations/{{id}}/edit">Edit</a>
      <a class="button" href="/admin/destinations/{{id}}/delete">Delete</a>
      <form method="post" action="/admin/destinations/{{id}}/{{#enabled}}disable{{/enabled}}{{^enabled}}enable{{/enabled}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">{{#enabled}}Disable{{/enabled}}{{^enabled}}Enable{{/enabled}}</button>
      </form>
      <form method="post" action="/admin/destinations/{{id}}/test">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">Send test event</button>
      </form>
      <form method="post" action="/admin/destinations/{{id}}/secret">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">Reveal secret</button>
      </form>
      <form method="post" action="/admin/destinations/{{id}}/rotate-secret">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">Rotate secret</button>
      </form>
    </div>
    <form method="post" action="/admin/destinations/{{id}}/recover" class="actions">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <label for="since">Recover failed deliveries since (UTC)</label>
      <input id="since" name="since" type="datetime-local">
      <button type="submit">Recover</button>
      {{#recoverError}}<p class="field-error">{{recoverError}}</p>{{/recoverError}}
    </form>
    {{/canEdit}}
    {{#secret}}
    <section class="card">
      <h2>Signing secret</h2>
      <p><code class="secret">{{secret}}</code></p>
      {{#previousSecret}}<p>Previous secret, still signing during the rotation: <code class="secret">{{previousSecret}}</code></p>{{/previousSecret}}
    </section>
    {{/secret}}
    {{#test}}
    <section class="card">
      <h2>Test event</h2>
      <h3>Request sent</h3>
      <pre>{{requestLine}}
    {{#requestHeaders}}{{name}}: {{value}}
    {{/requestHeaders}}
    {{requestBody}}</pre>
      <h3>Response received</h3>
      {{#responseStatus}}<p>Status: <strong>{{responseStatus}}</strong> in {{durationMs}} ms</p>
      <pre>{{responseBody}}</pre>{{/responseStatus}}
      {{#testError}}<p class="notice error">No response: {{testError}} (after {{durationMs}} ms)</p>{{/testError}}
    </section>
    {{/test}}
    <h2>Recent deliveries</h2>
    {{#hasDeliveries}}
    <table>
      <thead><tr><th scope="col">Delivery</th><th scope="col">Created</th><th scope="col">Status</th><th scope="col">Last response</th><th scope="col">Attempts</th></tr></thead>
      <tbody>{{#deliveries}}<tr><td><a href="/admin/activity/{{id}}">{{id}}</a></td><td><time datetime="{{created.iso}}" title="{{created.text}}">{{created.text}}</time></td><td><span class="status {{statusClass}}">{{status}}</span></td><td>{{lastResponse}}</td><td>{{attemptCount}}</td></tr>{{/deliveries}}</tbody>
    </table>
    <p><a href="/admin/activity?destination={{id}}">All deliveries of this destination</a></p>
    {{/hasDeliveries}}
    {{^hasDeliveries}}<p class="empty">Nothing sent yet. Subscribe it to an event, or use "Send test event" to try the URL now.</p>{{/hasDeliveries}}
    """#
}
