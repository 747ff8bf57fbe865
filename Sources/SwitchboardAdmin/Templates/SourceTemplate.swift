/// One source: where to send, and a ready curl example.
enum SourceTemplate {
    static let template = #"""
    <dl class="card facts">
      <dt>Type</dt><dd>{{type}}</dd>
      <dt>Ingest URL</dt><dd class="url"><code>{{ingestUrl}}</code></dd>
      {{#writeKey}}<dt>Write key</dt><dd><code class="secret">{{writeKey}}</code></dd>{{/writeKey}}
      <dt>Event name prefix</dt><dd>{{#eventNamePrefix}}{{eventNamePrefix}}{{/eventNamePrefix}}{{^eventNamePrefix}}none{{/eventNamePrefix}}</dd>
      <dt>Verification</dt><dd>{{verification}}</dd>
      <dt>Created</dt><dd><time datetime="{{created.iso}}" title="{{created.text}}">{{created.text}}</time></dd>
    </dl>
    <h2>Try it</h2>
    <pre>{{curl}}</pre>
    <p><a href="/admin/events">See the events that arrived</a></p>
    """#
}
