/// Add a source: the API's checks, its message beside the field, what was typed kept.
enum SourceFormTemplate {
    static let template = #"""
    {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
    <form method="post" action="/admin/sources/new" class="card form">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <label for="name">Name</label>
      <input id="name" name="name" value="{{name}}" required{{#errors.name}} aria-invalid="true" aria-describedby="name-error"{{/errors.name}}>
      {{#errors.name}}<p class="field-error" id="name-error">{{errors.name}}</p>{{/errors.name}}
      <label for="type">Type</label>
      <select id="type" name="type">{{#types}}<option{{#selected}} selected{{/selected}}>{{value}}</option>{{/types}}</select>
      {{#errors.type}}<p class="field-error">{{errors.type}}</p>{{/errors.type}}
      <label for="eventNamePrefix">Event name prefix (optional)</label>
      <input id="eventNamePrefix" name="eventNamePrefix" value="{{eventNamePrefix}}">
      {{#errors.eventNamePrefix}}<p class="field-error">{{errors.eventNamePrefix}}</p>{{/errors.eventNamePrefix}}
      {{#errors.other}}<p class="field-error">{{errors.other}}</p>{{/errors.other}}
      <p class="hint">Verification, transforms and items paths are set with the API (<code>PATCH /v1/sources/{id}</code>).</p>
      <button type="submit" class="primary">Save</button>
      <a href="/admin/sources">Cancel</a>
    </form>
    """#
}
