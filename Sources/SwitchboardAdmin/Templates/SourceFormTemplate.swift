/// Add or change a source: every field of the API (type-specific settings, verification), the
/// API's message beside its field, what was typed kept; secrets are never shown, not even back.
enum SourceFormTemplate {
    static let template = #"""
    {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
    <form method="post" action="{{action}}" class="card form">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <fieldset>
        <legend>Source</legend>
        {{#inputs.name}}{{> formInput}}{{/inputs.name}}
        {{#creating}}{{#inputs.type}}{{> formInput}}{{/inputs.type}}{{/creating}}
        {{^creating}}<p>Type: <strong>{{typeName}}</strong> (a source's type cannot be changed)</p>{{/creating}}
        {{#inputs.eventNamePrefix}}{{> formInput}}{{/inputs.eventNamePrefix}}
        {{#errors.other}}<p class="field-error">{{errors.other}}</p>{{/errors.other}}
      </fieldset>
      {{#showWebhook}}
      <fieldset>
        <legend>Webhook sources: how a body becomes events</legend>
        {{#inputs.transform}}{{> formInput}}{{/inputs.transform}}
        {{#inputs.itemsPath}}{{> formInput}}{{/inputs.itemsPath}}
        {{#inputs.eventName}}{{> formInput}}{{/inputs.eventName}}
        {{#inputs.webhookUserIdField}}{{> formInput}}{{/inputs.webhookUserIdField}}
      </fieldset>
      {{/showWebhook}}
      {{#showOpenloyalty}}
      <fieldset>
        <legend>Open Loyalty sources</legend>
        {{#inputs.openloyaltyUserIdField}}{{> formInput}}{{/inputs.openloyaltyUserIdField}}
      </fieldset>
      {{/showOpenloyalty}}
      {{#showBraze}}
      <fieldset>
        <legend>Braze Currents sources</legend>
        {{#inputs.brazeUserIdField}}{{> formInput}}{{/inputs.brazeUserIdField}}
        <p class="hint">Seed 001 puts <code>braze-</code> in the event name prefix above: it goes on each event's name and each property's name.</p>
      </fieldset>
      {{/showBraze}}
      <fieldset>
        <legend>Verification: how the sender proves what it sends</legend>
        {{#inputs.verificationType}}{{> formInput}}{{/inputs.verificationType}}
        <p class="hint">Fill in the fields of the type chosen; the others are ignored.</p>
        {{#inputs.verificationHeader}}{{> formInput}}{{/inputs.verificationHeader}}
        {{#inputs.verificationSecret}}{{> formInput}}{{/inputs.verificationSecret}}
        {{#inputs.verificationUsername}}{{> formInput}}{{/inputs.verificationUsername}}
        {{#inputs.verificationPassword}}{{> formInput}}{{/inputs.verificationPassword}}
        {{#inputs.verificationAlgorithm}}{{> formInput}}{{/inputs.verificationAlgorithm}}
        {{#inputs.verificationEncoding}}{{> formInput}}{{/inputs.verificationEncoding}}
        {{#inputs.verificationPrefix}}{{> formInput}}{{/inputs.verificationPrefix}}
        {{#inputs.verificationTimestampHeader}}{{> formInput}}{{/inputs.verificationTimestampHeader}}
      </fieldset>
      <button type="submit" class="primary">Save</button>
      <a href="{{cancel}}">Cancel</a>
    </form>
    """#
}

/// One labelled input of a form (a line, a password, a text area or a select), its hint and its
/// error; the page gives its values under `input…` names so nothing of the page leaks in.
enum FormInputTemplate {
    static let template = #"""
        <label for="{{inputId}}">{{inputLabel}}</label>
        {{#inputSelect}}<select id="{{inputId}}" name="{{inputId}}"{{#inputError}} aria-invalid="true" aria-describedby="{{inputId}}-error"{{/inputError}}>{{#inputOptions}}<option value="{{optionValue}}"{{#optionSelected}} selected{{/optionSelected}}>{{optionLabel}}</option>{{/inputOptions}}</select>{{/inputSelect}}
        {{#inputMultiline}}<textarea id="{{inputId}}" name="{{inputId}}" rows="8" spellcheck="false"{{#inputError}} aria-invalid="true" aria-describedby="{{inputId}}-error"{{/inputError}}>{{inputValue}}</textarea>{{/inputMultiline}}
        {{#inputLine}}<input id="{{inputId}}" name="{{inputId}}"{{#inputPassword}} type="password" autocomplete="new-password"{{/inputPassword}} value="{{inputValue}}"{{#inputRequired}} required{{/inputRequired}}{{#inputError}} aria-invalid="true" aria-describedby="{{inputId}}-error"{{/inputError}}>{{/inputLine}}
        {{#inputHint}}<p class="hint">{{inputHint}}</p>{{/inputHint}}
        {{#inputError}}<p class="field-error" id="{{inputId}}-error">{{inputError}}</p>{{/inputError}}
    """#
}
