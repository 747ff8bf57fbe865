/// The condition builder the subscription and audience forms share: rows of field, operator,
/// value and "not", joined by all or any; a condition of another shape as JSON text.
enum ConditionBuilderTemplate {
    static let template = #"""
        {{#conditionJSON}}
        <label for="conditionJSON">Condition (JSON: nested groups are edited as text)</label>
        <textarea id="conditionJSON" name="conditionJSON" rows="8">{{text}}</textarea>
        {{/conditionJSON}}
        {{^conditionJSON}}
        <label for="join">Match when</label>
        <select id="join" name="join">{{#joins}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}} of these hold</option>{{/joins}}</select>
        <div role="group" aria-labelledby="condition-rows">
        <p id="condition-rows" class="hint">Rows (field, operator, value; "not" negates a row):</p>
        {{#rows}}
        <div class="row condition-row">
          <label>Field {{number}} <input name="conditionField" value="{{field}}" placeholder="properties.total"></label>
          <label>Operator {{number}} <select name="conditionOp">{{#ops}}<option{{#selected}} selected{{/selected}}>{{value}}</option>{{/ops}}</select></label>
          <label>Value {{number}} <input name="conditionValue" value="{{value}}"></label>
          <label class="check"><input type="checkbox" name="conditionNot{{index}}" value="on"{{#negated}} checked{{/negated}}> not</label>
        </div>
        {{/rows}}
        </div>
        <p class="hint">Fields are dotted paths: <code>event</code>, <code>userId</code>, <code>properties.total</code>, <code>profile.traits.tier</code>. Values: numbers, true/false, a list as <code>["a", "b"]</code>, text as typed (quote it to keep <code>"500"</code> as text). Leave a row's field empty to drop it; save or preview for more rows.</p>
        {{/conditionJSON}}
    """#
}
