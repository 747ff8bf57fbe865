/// The subscription editor: events, a condition builder (rows of field, operator, value; all or
/// any; each row may be negated), templates for URL, method, headers and body, and a preview.
enum SubscriptionFormTemplate {
    static let template = #"""
    {{#notice}}<p class="notice ok" role="status">{{notice}}</p>{{/notice}}
    {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
    <form method="post" action="{{action}}" class="card form">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <fieldset>
        <legend>Subscription</legend>
        <label for="name">Name</label>
        <input id="name" name="name" value="{{name}}" required{{#errors.name}} aria-invalid="true" aria-describedby="name-error"{{/errors.name}}>
        {{#errors.name}}<p class="field-error" id="name-error">{{errors.name}}</p>{{/errors.name}}
        <label for="destinationId">Destination</label>
        <select id="destinationId" name="destinationId">
          <option value="">(choose)</option>
          {{#destinations}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/destinations}}
        </select>
        {{#errors.destinationId}}<p class="field-error">{{errors.destinationId}}</p>{{/errors.destinationId}}
        <label for="eventNames">Event names (comma separated, * for every event)</label>
        <input id="eventNames" name="eventNames" value="{{eventNames}}"{{#errors.eventNames}} aria-invalid="true" aria-describedby="eventNames-error"{{/errors.eventNames}}>
        {{#errors.eventNames}}<p class="field-error" id="eventNames-error">{{errors.eventNames}}</p>{{/errors.eventNames}}
        <label for="format">Body format (without a body template)</label>
        <select id="format" name="format">{{#formats}}<option{{#selected}} selected{{/selected}}>{{value}}</option>{{/formats}}</select>
        <label class="check"><input type="checkbox" name="enabled" value="on"{{#enabled}} checked{{/enabled}}> Enabled</label>
      </fieldset>
      <fieldset>
        <legend>Condition</legend>
        {{#errors.condition}}<p class="field-error" role="alert">{{errors.condition}}</p>{{/errors.condition}}
        {{> conditionBuilder}}
      </fieldset>
      <fieldset>
        <legend>Request templates (optional)</legend>
        {{#errors.other}}<p class="field-error">{{errors.other}}</p>{{/errors.other}}
        <label for="mappingUrl">URL template, e.g. https://example.com/members/&#123;&#123; userId &#125;&#125; (empty: the destination's URL)</label>
        <input id="mappingUrl" name="mappingUrl" value="{{mappingUrl}}">
        {{#errors.mappingUrl}}<p class="field-error">{{errors.mappingUrl}}</p>{{/errors.mappingUrl}}
        <label for="mappingMethod">Method</label>
        <select id="mappingMethod" name="mappingMethod">{{#methods}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/methods}}</select>
        {{#errors.mappingMethod}}<p class="field-error">{{errors.mappingMethod}}</p>{{/errors.mappingMethod}}
        {{#errors.mappingHeaders}}<p class="field-error">{{errors.mappingHeaders}}</p>{{/errors.mappingHeaders}}
        {{#headers}}
        <div class="row">
          <label>Header name {{number}} <input name="mappingHeaderName" value="{{name}}"></label>
          <label>Header value template {{number}} <input name="mappingHeaderValue" value="{{value}}"></label>
        </div>
        {{/headers}}
        <label for="mappingBody">Body template (JSON; empty: the body format above)</label>
        <textarea id="mappingBody" name="mappingBody" rows="8"{{#errors.mappingBody}} aria-invalid="true" aria-describedby="mappingBody-error"{{/errors.mappingBody}}>{{mappingBody}}</textarea>
        {{#errors.mappingBody}}<p class="field-error" id="mappingBody-error">{{errors.mappingBody}}</p>{{/errors.mappingBody}}
      </fieldset>
      <fieldset>
        <legend>Preview</legend>
        <label for="sampleEvent">Sample event (JSON, as /v1/track takes it; empty: the latest event of the first name)</label>
        <textarea id="sampleEvent" name="sampleEvent" rows="5"{{#errors.sampleEvent}} aria-invalid="true" aria-describedby="sampleEvent-error"{{/errors.sampleEvent}}>{{sampleEvent}}</textarea>
        {{#errors.sampleEvent}}<p class="field-error" id="sampleEvent-error">{{errors.sampleEvent}}</p>{{/errors.sampleEvent}}
        {{#canEdit}}<button type="submit" name="action" value="preview">Preview</button>{{/canEdit}}
        {{#preview}}
        <section class="preview" aria-live="polite">
          {{#nothing}}<p class="empty">{{nothing}}</p>{{/nothing}}
          {{#source}}<p>With {{source}}:</p>{{/source}}
          {{#matched}}
          <p><span class="status on">Matches</span>: this request would be sent (nothing was sent).</p>
          <pre>{{requestLine}}
    {{#headers}}{{name}}: {{value}}
    {{/headers}}
    {{body}}</pre>
          {{/matched}}
          {{^matched}}{{#source}}<p><span class="status off">Does not match</span>: nothing would be sent.</p>{{/source}}{{/matched}}
        </section>
        {{/preview}}
      </fieldset>
      {{#canEdit}}<button type="submit" name="action" value="save" class="primary">Save</button>{{/canEdit}}
      <a href="{{cancel}}">Cancel</a>
    </form>
    {{#canEdit}}{{#id}}
    <form method="post" action="/admin/subscriptions/{{id}}/delete" class="actions">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <button type="submit">Delete this subscription</button>
    </form>
    {{/id}}{{/canEdit}}
    """#
}
