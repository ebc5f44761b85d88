export interface Config {
  serviceCatalogue?: {
    /**
     * An LDAP directory whose groups provisioning templates change with the
     * `ldap:group:add-member` and `ldap:group:remove-member` actions. The
     * actions are installed only when this is set.
     */
    ldap?: {
      /** URL of the directory, such as `ldaps://ldap.example.com`. */
      url: string;
      /** DN to bind as; it must be allowed to change the groups' `member` attribute. */
      bindDn: string;
      /**
       * Password of `bindDn`.
       * @visibility secret
       */
      bindPassword: string;
      /** DN under which a group named by its cn is found, such as `ou=groups,dc=example,dc=com`. */
      groupsBaseDn: string;
      /** DN under which a user named by an entity ref is found by uid, such as `ou=people,dc=example,dc=com`. */
      peopleBaseDn: string;
      /**
       * DN left as the member of a group whose last member is removed, since
       * a groupOfNames must have one; an entry the catalog does not read,
       * such as `cn=nobody,dc=example,dc=com`. Without it, removing a
       * group's last member fails.
       */
      placeholderMemberDn?: string;
    };
  };
}
