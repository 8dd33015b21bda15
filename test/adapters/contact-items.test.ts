/** The contact listing keys, pure: what the inbound transaction and the contact API write. */
import { contactListingUpdate, contactNameKeys, conversationContactKeys } from '../../functions/adapters/contact-items';
import { nameSearchKey } from '../../functions/contacts/search';

describe('nameSearchKey', () => {
  it.each([
    ['Élodie  DURAND', 'elodie durand'],
    ['Zoë\tNoël', 'zoe noel'],
    ['  José   María ', 'jose maria'],
    ['ﬁona', 'fiona'], // compatibility ligature
    ['Ｒｏｓａ', 'rosa'], // full-width letters
    ['Łukasz', 'łukasz'], // a letter of its own, not an accented l: kept
    ['\u0301\u0301', ''],
  ])('%j → %j', (name, key) => expect(nameSearchKey(name)).toBe(key));

  it('bounds what it reads and returns', () => {
    expect(nameSearchKey('a'.repeat(1_000_000)).length).toBe(256);
  });
});

describe('contactListingUpdate', () => {
  it('always sets the email listing; the name listing only if the contact has none yet, from the same name', () => {
    const named = contactListingUpdate('acct_1', { contactId: 'ct_1', email: 'rosa@shop.example', name: 'Rosa Díaz' });
    expect(named.expression).toBe('gsi1pk = :emailListing, gsi1sk = :emailOrder, gsi2pk = if_not_exists(gsi2pk, :nameListing), gsi2sk = if_not_exists(gsi2sk, :nameOrder)');
    expect(named.values).toEqual({
      ':emailListing': 'CONTACTS#acct_1#EMAIL',
      ':emailOrder': 'rosa@shop.example#ct_1',
      ':nameListing': 'CONTACTS#acct_1#NAME',
      ':nameOrder': 'rosa diaz#ct_1',
    });
    expect(contactNameKeys('acct_1', 'ct_1', 'Rosa Díaz')).toEqual({ gsi2pk: named.values[':nameListing'], gsi2sk: named.values[':nameOrder'] });
    const unnamed = contactListingUpdate('acct_1', { contactId: 'ct_2', email: 'anon@shop.example' });
    expect(unnamed.expression).toBe('gsi1pk = :emailListing, gsi1sk = :emailOrder');
    expect(Object.keys(unnamed.values)).toEqual([':emailListing', ':emailOrder']);
  });

  it("places a conversation in its contact's history by creation time, per account", () => {
    expect(conversationContactKeys('acct_1', 'ct_1', '2030-01-01T00:00:00.000Z', 'cv_1')).toEqual({
      contactListPk: 'CONTACT#acct_1#ct_1#CONVERSATIONS',
      contactListSk: '2030-01-01T00:00:00.000Z#cv_1',
    });
  });
});
