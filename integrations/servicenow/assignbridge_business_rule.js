/*
 * AssignBridge: tell the bridge when a record's "Assigned to" changes, so the linked Kibana alerts follow.
 * Contract: docs/senders/servicenow.md (version 1). Paste into a Business Rule (System Definition > Business Rules > New):
 *
 *   Table:      incident (or sn_si_incident for Security Incident Response, or task for every task table)
 *   Advanced:   checked
 *   When:       after          (keeps `previous`, so the bridge can remove the previous assignee;
 *                               the HTTP call itself is asynchronous: executeAsync, the user never waits)
 *               async also works: ServiceNow then has no `previous`, and the bridge only adds the new assignee
 *   Insert:     checked        Update: checked
 *   Condition:  current.assigned_to.changes()
 *
 * System properties (System Properties > All Properties > New):
 *   x_assignbridge.endpoint   https://<function app>.azurewebsites.net/api/webhooks/servicenow?code=<function key>
 *   x_assignbridge.secret     type password2: the same value as the bridge's ServiceNow:Secrets:0
 *   x_assignbridge.auth       "hmac" (default: the secret never travels) or "header"
 *   x_assignbridge.space      optional Kibana space id; empty means the bridge's ServiceNow:DefaultSpace
 */
(function executeRule(current, previous /* null in an async rule */) {
    var endpoint = gs.getProperty('x_assignbridge.endpoint');
    var secret = gs.getProperty('x_assignbridge.secret');
    if (!endpoint || !secret) {
        gs.warn('AssignBridge: x_assignbridge.endpoint or x_assignbridge.secret is not set; ' + current.getDisplayValue('number') + ' not sent');
        return;
    }

    function person(ref) {
        if (ref.nil()) {
            return null;
        }
        return {
            sys_id: ref.toString(),
            user_name: ref.user_name.toString(),
            email: ref.email.toString()
        };
    }

    var body = {
        version: 1,
        table: current.getTableName(),
        sys_id: current.getUniqueValue(),
        number: current.getValue('number'),
        sys_mod_count: parseInt(current.getValue('sys_mod_count'), 10),
        sys_updated_on: current.getValue('sys_updated_on'),  // UTC, yyyy-MM-dd HH:mm:ss
        sent_at: new GlideDateTime().getValue(),             // UTC: the bridge refuses deliveries older than its replay window
        assigned_to: person(current.assigned_to),
        correlation_id: current.getValue('correlation_id') || null,  // Kibana's connector writes {rule.id}:{alert.id}
        updated_by: gs.getUserName()
    };
    if (typeof previous !== 'undefined' && previous) {
        body.previous_assigned_to = person(previous.assigned_to);
    }
    var space = gs.getProperty('x_assignbridge.space', '');
    if (space) {
        body.space = space;
    }
    // To link alerts another way, set body.alert_ids = ['<alert _id>', ...] here (e.g. from a custom field).

    var json = JSON.stringify(body);
    var request = new sn_ws.RESTMessageV2();
    request.setEndpoint(endpoint);
    request.setHttpMethod('post');
    request.setRequestHeader('Content-Type', 'application/json');
    request.setRequestHeader('Accept', 'application/json');
    if (gs.getProperty('x_assignbridge.auth', 'hmac') === 'header') {
        request.setRequestHeader('X-AssignBridge-Secret', secret);
    } else {
        // Base64 HMAC-SHA256 of exactly the bytes sent, keyed with the secret.
        var mac = new GlideCertificateEncryption().generateMac(GlideStringUtil.base64Encode(secret), 'HmacSHA256', json);
        request.setRequestHeader('X-AssignBridge-Signature', 'sha256=' + mac);
    }
    request.setRequestBody(json);
    request.setHttpTimeout(15000);
    request.executeAsync();  // the answer (2xx: journaled or ignored, with the reason) shows in System Logs > Outbound HTTP Requests
})(current, previous);
