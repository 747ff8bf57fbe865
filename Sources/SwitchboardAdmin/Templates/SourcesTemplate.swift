/// Sources: where events come in, each with its ingest URL.
enum SourcesTemplate {
    static let template = #"""
    {{#notice}}<p class="notice ok" role="status">{{notice}}</p>{{/notice}}
    {{#canEdit}}<p><a class="button primary" href="/admin/sources/new">Add source</a></p>{{/canEdit}}
    {{#hasRows}}
    <table>
      <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Ingest URL</th><th scope="col">Created</th></tr></thead>
      <tbody>
      {{#rows}}<tr><td><a href="/admin/sources/{{id}}">{{name}}</a></td><td>{{type}}</td><td class="url"><code>{{ingestUrl}}</code></td><td><time datetime="{{created.iso}}" title="{{created.text}}">{{created.text}}</time></td></tr>{{/rows}}
      </tbody>
    </table>
    {{#next}}<p><a href="{{next}}">Next page</a></p>{{/next}}
    {{/hasRows}}
    {{^hasRows}}<p class="empty">No sources yet.{{#canEdit}} <a href="/admin/sources/new">Add a source</a>: a Segment source gives a write key for Segment's SDKs, a webhook source an ingest URL any service can post to.{{/canEdit}}</p>{{/hasRows}}
    """#
}
