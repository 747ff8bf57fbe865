/// Add or change a destination: every field of the API, errors beside their fields, typed values kept.
enum DestinationFormTemplate {
    static let template = #"""
    {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
    <form method="post" action="{{action}}" class="card form">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <fieldset>
        <legend>Webhook</legend>
        {{#creating}}
        <label for="eventName">Event</label>
        <select id="eventName" name="eventName">
          <option value="">(choose later)</option>
          {{#eventTypes}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}{{#description}} — {{description}}{{/description}}</option>{{/eventTypes}}
        </select>
        <p class="hint">Creates a subscription of this destination to the event, as Open Loyalty's "Add new webhook" does.</p>
        <label class="check"><input type="checkbox" name="legacy" value="on"{{#legacy}} checked{{/legacy}}> Legacy payload (Open Loyalty's <code>{"type": "customer.registered", "data": …}</code>)</label>
        {{/creating}}
        <label for="name">Name</label>
        <input id="name" name="name" value="{{name}}" required{{#errors.name}} aria-invalid="true" aria-describedby="name-error"{{/errors.name}}>
        {{#errors.name}}<p class="field-error" id="name-error">{{errors.name}}</p>{{/errors.name}}
        <label for="url">URL</label>
        <input id="url" name="url" type="url" value="{{url}}" required{{#errors.url}} aria-invalid="true" aria-describedby="url-error"{{/errors.url}}>
        {{#errors.url}}<p class="field-error" id="url-error">{{errors.url}}</p>{{/errors.url}}
        <label for="method">Method</label>
        <select id="method" name="method">{{#methods}}<option{{#selected}} selected{{/selected}}>{{value}}</option>{{/methods}}</select>
        <label for="activeFrom">Active from (UTC)</label>
        <input id="activeFrom" name="activeFrom" type="datetime-local" value="{{activeFrom}}">
        {{#errors.activeFrom}}<p class="field-error">{{errors.activeFrom}}</p>{{/errors.activeFrom}}
        <label class="check"><input type="checkbox" name="enabled" value="on"{{#enabled}} checked{{/enabled}}> Enabled</label>
      </fieldset>
      <fieldset>
        <legend>Headers</legend>
        {{#errors.headers}}<p class="field-error">{{errors.headers}}</p>{{/errors.headers}}
        {{#headers}}
        <div class="row">
          <label>Name <input name="headerName" value="{{name}}"></label>
          <label>Value <input name="headerValue" value="{{value}}"></label>
        </div>
        {{/headers}}
        <p class="hint">Leave a row empty to drop it; save to get more empty rows.</p>
      </fieldset>
      <fieldset>
        <legend>Delivery</legend>
        <label for="signing">Signing</label>
        <select id="signing" name="signing">{{#signings}}<option{{#selected}} selected{{/selected}}>{{value}}</option>{{/signings}}</select>
        <label for="timeoutMs">Timeout (ms)</label>
        <input id="timeoutMs" name="timeoutMs" inputmode="numeric" value="{{timeoutMs}}">
        {{#errors.timeoutMs}}<p class="field-error">{{errors.timeoutMs}}</p>{{/errors.timeoutMs}}
        <label for="retrySchedule">Retry schedule (seconds after the first attempt, comma separated)</label>
        <input id="retrySchedule" name="retrySchedule" value="{{retrySchedule}}">
        {{#errors.retrySchedule}}<p class="field-error">{{errors.retrySchedule}}</p>{{/errors.retrySchedule}}
        <label for="rateLimit">Rate limit (requests per second, empty for none)</label>
        <input id="rateLimit" name="rateLimit" inputmode="numeric" value="{{rateLimit}}">
        {{#errors.rateLimit}}<p class="field-error">{{errors.rateLimit}}</p>{{/errors.rateLimit}}
        <label for="maxConcurrency">Concurrency (requests at once, empty for no limit)</label>
        <input id="maxConcurrency" name="maxConcurrency" inputmode="numeric" value="{{maxConcurrency}}">
        {{#errors.maxConcurrency}}<p class="field-error">{{errors.maxConcurrency}}</p>{{/errors.maxConcurrency}}
        <label for="ordering">Ordering</label>
        <select id="ordering" name="ordering">{{#orderings}}<option{{#selected}} selected{{/selected}}>{{value}}</option>{{/orderings}}</select>
        <label for="batchMaxSize">Batch size (empty: one event per request)</label>
        <input id="batchMaxSize" name="batchMaxSize" inputmode="numeric" value="{{batchMaxSize}}">
        <label for="batchMaxWaitMs">Batch wait (ms)</label>
        <input id="batchMaxWaitMs" name="batchMaxWaitMs" inputmode="numeric" value="{{batchMaxWaitMs}}">
        <label for="batchCombine">Batch combine</label>
        <select id="batchCombine" name="batchCombine">{{#combines}}<option{{#selected}} selected{{/selected}}>{{value}}</option>{{/combines}}</select>
        {{#errors.batching}}<p class="field-error">{{errors.batching}}</p>{{/errors.batching}}
      </fieldset>
      <button type="submit" class="primary">Save</button>
      <a href="{{cancel}}">Cancel</a>
    </form>
    """#
}
