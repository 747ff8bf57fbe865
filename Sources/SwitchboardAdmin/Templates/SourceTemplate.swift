/// One source: where to send, its settings and verification (never a secret), a ready curl example.
enum SourceTemplate {
    static let template = #"""
    {{#notice}}<p class="notice ok" role="status">{{notice}}</p>{{/notice}}
    <dl class="card facts">
      <dt>Type</dt><dd>{{type}}</dd>
      <dt>Ingest URL</dt><dd class="url"><code>{{ingestUrl}}</code></dd>
      {{#writeKey}}<dt>Write key</dt><dd><code class="secret">{{writeKey}}</code></dd>{{/writeKey}}
      <dt>Event name prefix</dt><dd>{{#eventNamePrefix}}{{eventNamePrefix}}{{/eventNamePrefix}}{{^eventNamePrefix}}none{{/eventNamePrefix}}</dd>
      {{#settings}}<dt>{{label}}</dt><dd>{{#code}}<pre>{{value}}</pre>{{/code}}{{^code}}<code>{{value}}</code>{{/code}}</dd>{{/settings}}
      <dt>Verification</dt><dd>{{verification}}{{#verificationFields}}<br>{{label}}: <code>{{value}}</code>{{/verificationFields}}{{#hasSecret}}<br>Secret: set (write-only, never shown){{/hasSecret}}</dd>
      <dt>Created</dt><dd><time datetime="{{created.iso}}" title="{{created.text}}">{{created.text}}</time></dd>
    </dl>
    {{#canEdit}}
    <div class="actions">
      <a class="button" href="/admin/sources/{{id}}/edit">Edit</a>
      <a class="button" href="/admin/sources/{{id}}/delete">Delete</a>
    </div>
    {{/canEdit}}
    <h2>Try it</h2>
    <pre>{{curl}}</pre>
    {{#verificationHint}}<p class="hint">{{verificationHint}}</p>{{/verificationHint}}
    <p><a href="/admin/events">See the events that arrived</a></p>
    """#
}
